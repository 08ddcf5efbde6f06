import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq, AppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { EventLog, Expectation, LogRecord, ProposedEvent } from './event-log';

/**
 * A protocol double of EventStoreDB's v1 gRPC API (the one KurrentDB serves too), on the service
 * definitions the client package ships: `Streams.Append`, `Streams.Read` (a stream or `$all`, forwards
 * or backwards, from a position, filtered; and as catch-up subscriptions with confirmation, caught-up,
 * checkpoints and live events) and `ServerFeatures`. Everything else answers UNIMPLEMENTED, as a
 * server without that feature would. Behaviour follows EventStoreDB's documentation: reads of `$all`
 * forwards include the event at the start position, subscriptions start strictly after it.
 */
export interface EsdbDouble {
  readonly port: number;
  /** A connection string for `@eventstore/db-client`. */
  readonly url: string;
  readonly log: EventLog;
  /** Abruptly: open calls are cut, as when a server process dies. */
  close(): Promise<void>;
}

export interface EsdbDoubleOptions {
  readonly port?: number;
  readonly host?: string;
  /** A file for the log (JSON lines); in memory only when absent. */
  readonly dataFile?: string;
}

const SERVER_VERSION = '23.10.0-protocol-double';
/** EventStoreDB's default filter search window: checkpoints come every window × multiplier scanned events. */
const DEFAULT_WINDOW = 32;

export async function startEsdbDouble(options: EsdbDoubleOptions = {}): Promise<EsdbDouble> {
  const log = new EventLog(options.dataFile);
  const server = new grpc.Server();
  server.addService(StreamsService, {
    read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => void serveRead(log, call).catch((error) => call.destroy(error)),
    append: (call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>) => serveAppend(log, call, callback),
    delete: unimplemented,
    tombstone: unimplemented,
    batchAppend: (call: grpc.ServerDuplexStream<unknown, unknown>) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'BatchAppend is not served by the double' }),
  } as unknown as grpc.UntypedServiceImplementation);
  server.addService(ServerFeaturesService, {
    getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<SupportedMethods>) => callback(null, supportedMethods()),
  } as unknown as grpc.UntypedServiceImplementation);
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  return {
    port,
    url: `esdb://${host}:${port}?tls=false`,
    log,
    close: async () => {
      server.forceShutdown();
      log.close();
    },
  };
}

function unimplemented(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
  callback({ code: grpc.status.UNIMPLEMENTED, details: 'not served by the EventStoreDB protocol double' }, null);
}

function supportedMethods(): SupportedMethods {
  const methods = [
    ['event_store.client.streams.streams', 'read', []],
    ['event_store.client.streams.streams', 'append', []],
    ['event_store.client.server_features.serverfeatures', 'getsupportedmethods', []],
  ] as const;
  const reply = new SupportedMethods();
  reply.setEventStoreServerVersion(SERVER_VERSION);
  reply.setMethodsList(methods.map(([service, method, features]) => {
    const m = new SupportedMethod();
    m.setServiceName(service);
    m.setMethodName(method);
    m.setFeaturesList([...features]);
    return m;
  }));
  return reply;
}

// ---------------------------------------------------------------- Append

function serveAppend(log: EventLog, call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>) {
  let header: AppendReq.Options | undefined;
  const proposed: ProposedEvent[] = [];
  let failed = false;
  const fail = (code: grpc.status, details: string) => {
    if (failed) return;
    failed = true;
    callback({ code, details }, null);
  };
  call.on('data', (req: AppendReq) => {
    if (req.hasOptions()) {
      if (header) return fail(grpc.status.INVALID_ARGUMENT, 'options sent twice');
      header = req.getOptions();
      return;
    }
    const message = req.getProposedMessage();
    if (!header || !message) return fail(grpc.status.INVALID_ARGUMENT, 'an append starts with its options, then proposed messages');
    const metadata = message.getMetadataMap();
    const type = metadata.get('type');
    const contentType = metadata.get('content-type');
    if (!type || !contentType) return fail(grpc.status.INVALID_ARGUMENT, 'type and content-type are required metadata');
    proposed.push({
      id: parseUuid(message.getId()),
      type,
      contentType,
      data: Buffer.from(message.getData_asU8()),
      customMetadata: Buffer.from(message.getCustomMetadata_asU8()),
    });
  });
  call.on('error', () => { failed = true; });
  call.on('end', () => {
    if (failed) return;
    if (!header) return fail(grpc.status.INVALID_ARGUMENT, 'no append options');
    const streamName = streamNameOf(header.getStreamIdentifier());
    if (streamName === '' || streamName === '$all') return fail(grpc.status.INVALID_ARGUMENT, 'a stream name is required');
    const expected = expectationOf(header);
    const outcome = log.append(streamName, expected, proposed);
    const reply = new AppendResp();
    if (outcome.ok) {
      const success = new AppendResp.Success();
      if (outcome.currentRevision < 0n) success.setNoStream(new Empty());
      else success.setCurrentRevision(outcome.currentRevision.toString());
      if (outcome.position === null) success.setNoPosition(new Empty());
      else {
        const position = new AppendResp.Position();
        position.setCommitPosition(outcome.position.toString());
        position.setPreparePosition(outcome.position.toString());
        success.setPosition(position);
      }
      reply.setSuccess(success);
    } else {
      const wrong = new AppendResp.WrongExpectedVersion();
      if (outcome.currentRevision < 0n) wrong.setCurrentNoStream(new Empty());
      else wrong.setCurrentRevision(outcome.currentRevision.toString());
      switch (expected.kind) {
        case 'any': wrong.setExpectedAny(new Empty()); break;
        case 'no_stream': wrong.setExpectedNoStream(new Empty()); break;
        case 'stream_exists': wrong.setExpectedStreamExists(new Empty()); break;
        case 'revision': wrong.setExpectedRevision(expected.revision.toString()); break;
      }
      reply.setWrongExpectedVersion(wrong);
    }
    callback(null, reply);
  });
}

function expectationOf(options: AppendReq.Options): Expectation {
  switch (options.getExpectedStreamRevisionCase()) {
    case AppendReq.Options.ExpectedStreamRevisionCase.REVISION: return { kind: 'revision', revision: BigInt(options.getRevision()) };
    case AppendReq.Options.ExpectedStreamRevisionCase.NO_STREAM: return { kind: 'no_stream' };
    case AppendReq.Options.ExpectedStreamRevisionCase.STREAM_EXISTS: return { kind: 'stream_exists' };
    default: return { kind: 'any' };
  }
}

// ---------------------------------------------------------------- Read and subscriptions

interface Filter {
  readonly matches: (record: LogRecord) => boolean;
  readonly window: number;
  readonly checkpointEvery: number;
}

type Writer = (response: ReadResp) => Promise<void>;

async function serveRead(log: EventLog, call: grpc.ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
  let cancelled = false;
  const cancel = new Promise<void>((resolve) => {
    call.on('cancelled', () => { cancelled = true; resolve(); });
    call.on('close', () => { cancelled = true; resolve(); });
  });
  const write: Writer = async (response) => {
    if (cancelled) return;
    // Back-pressure: a slow reader stops the double from producing, all the way to HTTP/2 flow control.
    if (!call.write(response)) await Promise.race([new Promise((resolve) => call.once('drain', resolve)), cancel]);
  };
  const options = call.request.getOptions();
  if (!options) return fail(call, grpc.status.INVALID_ARGUMENT, 'read options are required');
  const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
  const filter = filterOf(options);
  const forwards = options.getReadDirection() === ReadReq.Options.ReadDirection.FORWARDS;
  const toEvent = (record: LogRecord) => readEvent(record, structuredIds);
  const isCancelled = () => cancelled;

  if (options.hasSubscription()) {
    const confirmation = new ReadResp();
    const confirmed = new ReadResp.SubscriptionConfirmation();
    confirmed.setSubscriptionId(randomUUID());
    confirmation.setConfirmation(confirmed);
    await write(confirmation);
    if (options.hasAll()) await subscribeAll(log, options.getAll()!, filter, write, toEvent, isCancelled, cancel);
    else await subscribeStream(log, options.getStream()!, write, toEvent, isCancelled, cancel);
  } else {
    const count = options.hasCount() ? BigInt(options.getCount()) : 2n ** 63n;
    if (options.hasAll()) await readAll(log, options.getAll()!, forwards, count, filter, write, toEvent, isCancelled);
    else if (options.hasStream()) await readStream(log, options.getStream()!, forwards, count, write, toEvent, isCancelled);
    else return fail(call, grpc.status.INVALID_ARGUMENT, 'read a stream or $all');
  }
  if (!cancelled) call.end();
}

function fail(call: grpc.ServerWritableStream<ReadReq, ReadResp>, code: grpc.status, details: string) {
  call.emit('error', { code, details });
}

async function readStream(
  log: EventLog, options: ReadReq.Options.StreamOptions, forwards: boolean, count: bigint,
  write: Writer, toEvent: (r: LogRecord) => ReadResp, isCancelled: () => boolean,
): Promise<void> {
  const name = streamNameOf(options.getStreamIdentifier());
  const records = log.streamRecords(name);
  if (records.length === 0) {
    const notFound = new ReadResp.StreamNotFound();
    notFound.setStreamIdentifier(options.getStreamIdentifier());
    const response = new ReadResp();
    response.setStreamNotFound(notFound);
    return write(response);
  }
  const last = records.length - 1;
  let from: number;
  switch (options.getRevisionOptionCase()) {
    case ReadReq.Options.StreamOptions.RevisionOptionCase.REVISION: from = Number(BigInt(options.getRevision())); break;
    case ReadReq.Options.StreamOptions.RevisionOptionCase.END: from = forwards ? last + 1 : last; break;
    default: from = forwards ? 0 : -1;
  }
  if (!forwards && from > last) from = last;
  let sent = 0n;
  for (let i = from; forwards ? i <= last : i >= 0; i += forwards ? 1 : -1) {
    if (sent >= count || isCancelled()) return;
    await write(toEvent(records[i]));
    sent++;
  }
}

async function readAll(
  log: EventLog, options: ReadReq.Options.AllOptions, forwards: boolean, count: bigint, filter: Filter | null,
  write: Writer, toEvent: (r: LogRecord) => ReadResp, isCancelled: () => boolean,
): Promise<void> {
  const records = log.records;
  let index: number;
  switch (options.getAllOptionCase()) {
    case ReadReq.Options.AllOptions.AllOptionCase.POSITION: {
      const commit = BigInt(options.getPosition()!.getCommitPosition());
      // Forwards the record at the position is included; backwards reading starts before it.
      index = forwards ? log.indexAfter(commit, true) : log.indexAfter(commit, true) - 1;
      break;
    }
    case ReadReq.Options.AllOptions.AllOptionCase.END: index = forwards ? records.length : records.length - 1; break;
    default: index = forwards ? 0 : -1;
  }
  let sent = 0n;
  for (let i = index; forwards ? i < records.length : i >= 0; i += forwards ? 1 : -1) {
    if (sent >= count || isCancelled()) return;
    const record = records[i];
    if (filter && !filter.matches(record)) continue;
    await write(toEvent(record));
    sent++;
  }
}

async function subscribeAll(
  log: EventLog, options: ReadReq.Options.AllOptions, filter: Filter | null, write: Writer,
  toEvent: (r: LogRecord) => ReadResp, isCancelled: () => boolean, cancel: Promise<void>,
): Promise<void> {
  let index: number;
  switch (options.getAllOptionCase()) {
    case ReadReq.Options.AllOptions.AllOptionCase.POSITION:
      index = log.indexAfter(BigInt(options.getPosition()!.getCommitPosition()));
      break;
    case ReadReq.Options.AllOptions.AllOptionCase.END: index = log.records.length; break;
    default: index = 0;
  }
  let scanned = 0;
  let caughtUp = false;
  let lastScanned: LogRecord | undefined;
  while (!isCancelled()) {
    if (index < log.records.length) {
      const record = log.records[index++];
      lastScanned = record;
      scanned++;
      if (!filter || filter.matches(record)) await write(toEvent(record));
      if (filter && scanned % filter.checkpointEvery === 0) await write(checkpoint(record));
      if (scanned % 512 === 0) await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    if (!caughtUp) {
      caughtUp = true;
      if (filter && lastScanned) await write(checkpoint(lastScanned));
      await write(caughtUpMessage());
      continue;
    }
    await Promise.race([new Promise((resolve) => log.once('appended', resolve)), cancel]);
  }
}

async function subscribeStream(
  log: EventLog, options: ReadReq.Options.StreamOptions, write: Writer,
  toEvent: (r: LogRecord) => ReadResp, isCancelled: () => boolean, cancel: Promise<void>,
): Promise<void> {
  const name = streamNameOf(options.getStreamIdentifier());
  let revision: number;
  switch (options.getRevisionOptionCase()) {
    case ReadReq.Options.StreamOptions.RevisionOptionCase.REVISION: revision = Number(BigInt(options.getRevision())) + 1; break;
    case ReadReq.Options.StreamOptions.RevisionOptionCase.END: revision = log.streamRecords(name).length; break;
    default: revision = 0;
  }
  let caughtUp = false;
  while (!isCancelled()) {
    const records = log.streamRecords(name);
    if (revision < records.length) {
      await write(toEvent(records[revision++]));
      continue;
    }
    if (!caughtUp) {
      caughtUp = true;
      await write(caughtUpMessage());
      continue;
    }
    await Promise.race([new Promise((resolve) => log.once('appended', resolve)), cancel]);
  }
}

function filterOf(options: ReadReq.Options): Filter | null {
  if (!options.hasFilter()) return null;
  const filter = options.getFilter()!;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const regex = expression.getRegex();
  const prefixes = expression.getPrefixList();
  const test = regex !== ''
    ? ((pattern: RegExp) => (value: string) => pattern.test(value))(new RegExp(regex))
    : (value: string) => prefixes.some((prefix) => value.startsWith(prefix));
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_WINDOW;
  const multiplier = Math.max(1, filter.getCheckpointintervalmultiplier() || 1);
  return {
    matches: (record) => test(onStream ? record.streamName : record.type),
    window,
    checkpointEvery: window * multiplier,
  };
}

function readEvent(record: LogRecord, structuredIds: boolean): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(toUuid(record.id, structuredIds));
  const identifier = new StreamIdentifier();
  identifier.setStreamName(Buffer.from(record.streamName, 'utf8'));
  recorded.setStreamIdentifier(identifier);
  recorded.setStreamRevision(record.revision.toString());
  recorded.setPreparePosition(record.position.toString());
  recorded.setCommitPosition(record.position.toString());
  const metadata = recorded.getMetadataMap();
  metadata.set('type', record.type);
  metadata.set('content-type', record.contentType);
  metadata.set('created', record.created.toString());
  recorded.setCustomMetadata(new Uint8Array(record.customMetadata));
  recorded.setData(new Uint8Array(record.data));
  const event = new ReadResp.ReadEvent();
  event.setEvent(recorded);
  event.setCommitPosition(record.position.toString());
  const response = new ReadResp();
  response.setEvent(event);
  return response;
}

function checkpoint(record: LogRecord): ReadResp {
  const checkpointMessage = new ReadResp.Checkpoint();
  checkpointMessage.setCommitPosition(record.position.toString());
  checkpointMessage.setPreparePosition(record.position.toString());
  const response = new ReadResp();
  response.setCheckpoint(checkpointMessage);
  return response;
}

function caughtUpMessage(): ReadResp {
  const response = new ReadResp();
  response.setCaughtUp(new ReadResp.CaughtUp());
  return response;
}

function streamNameOf(identifier: StreamIdentifier | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

function parseUuid(uuid: UUID | undefined): string {
  if (!uuid) return randomUUID();
  if (!uuid.hasStructured()) return uuid.getString().toLowerCase();
  const structured = uuid.getStructured()!;
  const buffer = Buffer.alloc(16);
  buffer.writeBigInt64BE(BigInt(structured.getMostSignificantBits()), 0);
  buffer.writeBigInt64BE(BigInt(structured.getLeastSignificantBits()), 8);
  const hex = buffer.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toUuid(id: string, structured: boolean): UUID {
  const uuid = new UUID();
  if (!structured) {
    uuid.setString(id);
    return uuid;
  }
  const buffer = Buffer.from(id.replace(/-/g, ''), 'hex');
  const value = new UUID.Structured();
  value.setMostSignificantBits(buffer.readBigInt64BE(0).toString());
  value.setLeastSignificantBits(buffer.readBigInt64BE(8).toString());
  uuid.setStructured(value);
  return uuid;
}
