import { Readable } from 'node:stream';
import {
  AllStreamResolvedEvent, BACKWARDS, ErrorType, EventStoreDBClient, FORWARDS, jsonEvent, ResolvedEvent,
  StreamNotFoundError as EsdbStreamNotFoundError, WrongExpectedVersionError,
} from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { ReadStream } from '@eventstore/db-client/dist/streams/utils/ReadStream';
import { convertGrpcEvent } from '@eventstore/db-client/dist/utils/convertGrpcEvent';
import { EventMetadata } from '../../../domain/shared/event';
import { StreamNotFoundError, WrongExpectedRevisionError } from '../errors';
import {
  AppendResult, EventStore, EventToAppend, ExpectedRevision, ReadAllOptions, RecordedEvent, SubscribeOptions,
} from '../event-store';
import { GlobalPosition, isAfter, START } from '../position';

/** The control plane's own streams: everything but EventStoreDB's `$`-system streams. */
export const OWN_STREAMS = '^[^$]';

/**
 * Streams whose names do not carry the organization although their events may belong to one
 * (placement claims and usage rejections are keyed by runtime target; platform-owned targets and
 * denials outside any organization). An organization's replay reads these too and keeps only its
 * own events from them; every other stream names its organization right after the category.
 */
export const PLATFORM_SCOPED_STREAMS = ['^runtime_namespace-', '^usage_rejections-', '^runtime_target-platform[.]', '^access_denials-platform$'];

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A server-side regex on stream names selecting one organization's streams (and the platform-scoped ones). */
export const organizationStreams = (organizationId: string) =>
  [`^[a-z][a-z0-9_]*-${escapeRegex(organizationId)}([.-]|$)`, ...PLATFORM_SCOPED_STREAMS].join('|');

type ServerFilter = { readonly on: 'stream' | 'type'; readonly regex: string };

export interface EventStoreDbEventStoreOptions {
  /** Events per filtered read page (server side). */
  readonly pageSize?: number;
  /** Wait before re-subscribing after the connection dropped (doubles up to 5 s). */
  readonly resubscribeDelayMs?: number;
}

/**
 * The event store on EventStoreDB (or KurrentDB, which serves the same v1 gRPC protocol) through
 * `@eventstore/db-client`. Streams, revisions and `$all` positions map one to one onto the port:
 * appends carry the exact expected revision and the caller's deterministic event ids, so a retried
 * append is recognised (the server's idempotency, or the ids found in the stream) and not repeated.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: FilteringClient;
  private readonly pageSize: number;
  private readonly resubscribeDelayMs: number;

  constructor(connectionString: string, options: EventStoreDbEventStoreOptions = {}) {
    this.client = FilteringClient.connect(connectionString);
    this.pageSize = options.pageSize ?? 500;
    this.resubscribeDelayMs = options.resubscribeDelayMs ?? 100;
  }

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return this.emptyAppend(streamId, expected);
    try {
      const result = await this.client.appendToStream(streamId, events.map((event) => jsonEvent({
        id: event.id, type: event.type, data: event.data as never, metadata: event.metadata as never,
      })), { expectedRevision: expected });
      if (result.position) {
        return { nextExpectedRevision: result.nextExpectedRevision, position: result.position, alreadyAppended: false };
      }
      // The server recognised the ids where this append would have put them: a repeat, nothing written.
      return this.alreadyAppended(streamId, events);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      return this.explainRefusedAppend(streamId, events, expected, error);
    }
  }

  async readStream(streamId: string, options: { fromRevision?: bigint; limit?: number } = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        fromRevision: options.fromRevision ?? 'start',
        maxCount: options.limit ?? Number.MAX_SAFE_INTEGER,
        direction: FORWARDS,
      });
      for await (const resolved of read) events.push(toRecorded(resolved));
    } catch (error) {
      if (error instanceof EsdbStreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit ?? 1000;
    const from = options.from ?? START;
    const keep = clientFilter(options);
    const filter = serverFilter(options);
    const events: RecordedEvent[] = [];
    let cursor = from;
    // The server filters; the client only drops the start event (reads of $all include it) and, in
    // platform-scoped streams, other organizations' events — then reads on until the page is full.
    for (;;) {
      const want = Math.min(this.pageSize, limit - events.length) + 1;
      const page = await this.client.readAllFiltered(cursor, 'forwards', want, filter);
      for (const event of page) {
        if (!isAfter(event.position, cursor)) continue;
        if (keep(event)) events.push(event);
        if (events.length === limit) return events;
      }
      if (page.length < want) return events;
      cursor = page[page.length - 1].position;
    }
  }

  async *subscribeAll(options: SubscribeOptions = {}): AsyncIterable<readonly RecordedEvent[]> {
    const batchSize = options.batchSize ?? 500;
    const keep = clientFilter(options);
    const filter = serverFilter(options);
    let from = options.from ?? START;
    let delay = this.resubscribeDelayMs;
    while (!options.signal?.aborted) {
      const subscription = this.client.subscribeToAll({
        fromPosition: from.commit < 0n ? 'start' : from,
        filter: filter.on === 'stream'
          ? { filterOn: 'streamName', regex: filter.regex, checkpointInterval: 1 }
          : { filterOn: 'eventType', regex: filter.regex, checkpointInterval: 1 },
      } as never, { highWaterMark: batchSize });
      const feed = new SubscriptionFeed(subscription as unknown as Readable, options.signal);
      try {
        for (;;) {
          const next = await feed.next(batchSize);
          if (next === 'aborted') return;
          if (next === 'caught-up') {
            yield [];
            continue;
          }
          const batch = next.map(toRecorded).filter((event) => isAfter(event.position, from));
          if (batch.length === 0) continue;
          from = batch[batch.length - 1].position;
          delay = this.resubscribeDelayMs;
          const kept = batch.filter(keep);
          if (kept.length > 0) yield kept;
        }
      } catch (error) {
        if (!isTransient(error)) throw error;
        // The server went away (restart, failover): subscribe again after the last event handed out.
        await sleep(delay, options.signal);
        delay = Math.min(delay * 2, 5000);
      } finally {
        feed.close();
        await subscription.unsubscribe().catch(() => undefined);
      }
    }
  }

  async headPosition(): Promise<GlobalPosition> {
    const [last] = await this.client.readAllFiltered('end', 'backwards', 1, { on: 'stream', regex: OWN_STREAMS });
    return last?.position ?? START;
  }

  /** EventStoreDB shows an acknowledged append to every reader at once: the barrier is the head. */
  lastCommittedPosition(): Promise<GlobalPosition> {
    return this.headPosition();
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async emptyAppend(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const [last] = await this.readLast(streamId);
    const actual = last?.revision ?? -1n;
    const holds = expected === 'any' || (expected === 'no_stream' ? actual === -1n : expected === 'stream_exists' ? actual >= 0n : actual === expected);
    if (!holds) throw actual === -1n ? new StreamNotFoundError(streamId, expected) : new WrongExpectedRevisionError(streamId, expected, actual);
    return { nextExpectedRevision: actual, position: await this.headPosition(), alreadyAppended: true };
  }

  /** Refused: either this very append happened before (a retry after a lost answer) or the revision was stale. */
  private async explainRefusedAppend(
    streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision, error: WrongExpectedVersionError,
  ): Promise<AppendResult> {
    const repeat = await this.alreadyAppended(streamId, events).catch(() => null);
    if (repeat) return repeat;
    const actual = error.actualVersion === 'no_stream' || error.actualVersion === undefined ? -1n : BigInt(error.actualVersion as bigint);
    if (actual === -1n && expected !== 'no_stream') throw new StreamNotFoundError(streamId, expected);
    throw new WrongExpectedRevisionError(streamId, expected, actual);
  }

  private async alreadyAppended(streamId: string, events: readonly EventToAppend[]): Promise<AppendResult> {
    const stored = new Map((await this.readStream(streamId)).map((event) => [event.id, event]));
    const found = events.map((event) => stored.get(event.id));
    if (found.some((event) => event === undefined)) throw new Error(`stream ${streamId}: the append was neither written nor refused`);
    const last = found.reduce((a, b) => (a!.revision > b!.revision ? a : b))!;
    return { nextExpectedRevision: last.revision, position: last.position, alreadyAppended: true };
  }

  private async readLast(streamId: string): Promise<RecordedEvent[]> {
    try {
      const events: RecordedEvent[] = [];
      for await (const resolved of this.client.readStream(streamId, { fromRevision: 'end', direction: BACKWARDS, maxCount: 1 })) {
        events.push(toRecorded(resolved));
      }
      return events;
    } catch (error) {
      if (error instanceof EsdbStreamNotFoundError) return [];
      throw error;
    }
  }
}

/**
 * The client (6.x) reads `$all` without a filter only; the protocol has filtered reads (the filter
 * runs on the server, so an organization's replay never ships other organizations' events). This
 * adds them on the client's own gRPC plumbing.
 */
class FilteringClient extends EventStoreDBClient {
  static connect(connectionString: string): FilteringClient {
    // Only methods are added, no state: the parsed client gets this prototype.
    return Object.setPrototypeOf(EventStoreDBClient.connectionString(connectionString), FilteringClient.prototype) as FilteringClient;
  }

  async readAllFiltered(from: GlobalPosition | 'end', direction: 'forwards' | 'backwards', count: number, filter: ServerFilter): Promise<RecordedEvent[]> {
    const options = new ReadReq.Options();
    const all = new ReadReq.Options.AllOptions();
    if (from === 'end') all.setEnd(new Empty());
    else if (from.commit < 0n) all.setStart(new Empty());
    else {
      const position = new ReadReq.Options.Position();
      position.setCommitPosition(from.commit.toString());
      position.setPreparePosition(from.prepare.toString());
      all.setPosition(position);
    }
    options.setAll(all);
    options.setReadDirection(direction === 'forwards' ? ReadReq.Options.ReadDirection.FORWARDS : ReadReq.Options.ReadDirection.BACKWARDS);
    options.setResolveLinks(false);
    options.setCount(String(count));
    const uuid = new ReadReq.Options.UUIDOption();
    uuid.setString(new Empty());
    options.setUuidOption(uuid);
    const expression = new ReadReq.Options.FilterOptions.Expression();
    expression.setRegex(filter.regex);
    const filterOptions = new ReadReq.Options.FilterOptions();
    if (filter.on === 'stream') filterOptions.setStreamIdentifier(expression);
    else filterOptions.setEventType(expression);
    filterOptions.setCount(new Empty());
    filterOptions.setCheckpointintervalmultiplier(1);
    options.setFilter(filterOptions);
    const request = new ReadReq();
    request.setOptions(options);
    const create = this.GRPCStreamCreator(StreamsClient, 'readAllFiltered', (client) =>
      client.read(request, ...this.callArguments({}, { deadline: Infinity })));
    const events: RecordedEvent[] = [];
    for await (const resolved of new ReadStream(create, convertGrpcEvent, {}) as AsyncIterable<AllStreamResolvedEvent>) {
      events.push(toRecorded(resolved));
    }
    return events;
  }
}

/**
 * Hands a subscription's events out in batches of at most `size`, pulling from the stream only as
 * the consumer asks (so a slow projector holds the server back through gRPC flow control), and
 * reports the server's caught-up signal once the events before it are handed out.
 */
class SubscriptionFeed {
  private caughtUp = false;
  private failure: unknown = null;
  private wake: () => void = () => undefined;
  private readonly onReadable = () => this.wake();
  private readonly onCaughtUp = () => { this.caughtUp = true; this.wake(); };
  private readonly onError = (error: unknown) => { this.failure = error; this.wake(); };
  private readonly onEnd = () => { this.failure ??= Object.assign(new Error('subscription ended by the server'), { type: ErrorType.UNAVAILABLE }); this.wake(); };

  constructor(private readonly stream: Readable, private readonly signal?: AbortSignal) {
    stream.on('readable', this.onReadable);
    stream.on('caughtUp', this.onCaughtUp);
    stream.on('error', this.onError);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    signal?.addEventListener('abort', this.onReadable);
  }

  async next(size: number): Promise<ResolvedEvent[] | 'caught-up' | 'aborted'> {
    for (;;) {
      if (this.signal?.aborted) return 'aborted';
      const batch: ResolvedEvent[] = [];
      let item: ResolvedEvent | null;
      while (batch.length < size && (item = this.stream.read() as ResolvedEvent | null) !== null) batch.push(item);
      if (batch.length > 0) return batch;
      if (this.caughtUp) {
        this.caughtUp = false;
        return 'caught-up';
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => { this.wake = resolve; });
      this.wake = () => undefined;
    }
  }

  close(): void {
    this.stream.off('readable', this.onReadable);
    this.stream.off('caughtUp', this.onCaughtUp);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    // Errors after the end of our interest (the cancellation itself) are swallowed.
    this.stream.off('error', this.onError);
    this.stream.on('error', () => undefined);
    this.signal?.removeEventListener('abort', this.onReadable);
  }
}

function serverFilter(options: ReadAllOptions): ServerFilter {
  if (options.organizationId !== undefined) return { on: 'stream', regex: organizationStreams(options.organizationId) };
  if (options.types !== undefined) return { on: 'type', regex: `^(${options.types.map(escapeRegex).join('|')})$` };
  return { on: 'stream', regex: OWN_STREAMS };
}

/** What the server filter cannot say: the organization in the metadata, and types next to an organization. */
function clientFilter(options: ReadAllOptions): (event: RecordedEvent) => boolean {
  const types = options.types ? new Set(options.types) : null;
  return (event) => (options.organizationId === undefined || event.metadata?.organization_id === options.organizationId)
    && (types === null || types.has(event.type))
    && !event.streamId.startsWith('$');
}

function toRecorded(resolved: ResolvedEvent): RecordedEvent {
  const event = resolved.event;
  if (!event) throw new Error('a resolved event without its event (a link to a deleted event?)');
  const position = (event as { position?: GlobalPosition }).position;
  if (!position) throw new Error(`event ${event.id} came without its $all position`);
  return {
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    position: { commit: position.commit, prepare: position.prepare },
    type: event.type,
    data: event.data,
    metadata: event.metadata as unknown as EventMetadata,
  };
}

const TRANSIENT = new Set<string>([ErrorType.UNAVAILABLE, ErrorType.CANCELLED, ErrorType.DEADLINE_EXCEEDED, ErrorType.NOT_LEADER]);

function isTransient(error: unknown): boolean {
  return typeof error === 'object' && error !== null && TRANSIENT.has((error as { type?: string }).type ?? '');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
