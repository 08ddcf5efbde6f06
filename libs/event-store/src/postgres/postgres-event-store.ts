import { EventEmitter } from 'node:events';
import { Kysely, sql } from 'kysely';
import { EventMetadata } from '../../../domain/shared/event';
import { StreamNotFoundError, WrongExpectedRevisionError } from '../errors';
import {
  AppendResult, EventStore, EventToAppend, ExpectedRevision, ReadAllOptions, RecordedEvent, SubscribeOptions,
} from '../event-store';
import { GlobalPosition, START } from '../position';
import { waitForSignalOrTimeout } from '../wait';

interface EventRow {
  readonly event_id: string;
  readonly stream_id: string;
  readonly stream_revision: bigint;
  readonly transaction_id: bigint;
  readonly global_position: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

const UNIQUE_VIOLATION = '23505';

const toRecorded = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  streamId: row.stream_id,
  revision: BigInt(row.stream_revision),
  position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) },
  type: row.type,
  data: row.data,
  metadata: row.metadata,
});

export interface PostgresEventStoreOptions {
  /** How often a live subscription looks for events appended by other processes. */
  readonly pollIntervalMs?: number;
}

/** The event store on PostgreSQL (a server through pg, or embedded PGlite) — one statement per append. */
export class PostgresEventStore implements EventStore {
  private readonly appended = new EventEmitter().setMaxListeners(0);
  private readonly pollIntervalMs: number;

  constructor(
    private readonly db: Kysely<any>,
    options: PostgresEventStoreOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
  }

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return this.emptyAppend(streamId, expected);
    const count = BigInt(events.length);
    const organizationId = events[0].metadata.organization_id;
    const payload = JSON.stringify(events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })));
    let rows: EventRow[];
    try {
      const result = await sql<EventRow>`
        with bump as (${bumpStream(streamId, organizationId, count, expected)})
        insert into es_events (event_id, stream_id, stream_revision, organization_id, type, data, metadata)
        select (e.ev->>'id')::uuid, ${streamId}, bump.revision - ${count.toString()}::bigint + e.ord,
               ${organizationId}, e.ev->>'type', e.ev->'data', e.ev->'metadata'
        from bump cross join jsonb_array_elements(${payload}::jsonb) with ordinality as e(ev, ord)
        returning transaction_id, global_position, stream_revision`.execute(this.db);
      rows = result.rows;
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      rows = [];
    }
    if (rows.length === 0) return this.explainRefusedAppend(streamId, events, expected);
    this.appended.emit('append');
    const last = rows[rows.length - 1];
    return {
      nextExpectedRevision: BigInt(last.stream_revision),
      position: { commit: BigInt(last.transaction_id), prepare: BigInt(last.global_position) },
      alreadyAppended: false,
    };
  }

  async readStream(streamId: string, options: { fromRevision?: bigint; limit?: number } = {}): Promise<RecordedEvent[]> {
    const from = (options.fromRevision ?? 0n).toString();
    const limit = options.limit ?? 1_000_000;
    const result = await sql<EventRow>`
      select event_id, stream_id, stream_revision, transaction_id, global_position, type, data, metadata
      from es_events where stream_id = ${streamId} and stream_revision >= ${from}::bigint
      order by stream_revision limit ${limit}`.execute(this.db);
    return result.rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const from = options.from ?? START;
    const after = from.commit < 0n
      ? sql`true`
      : sql`(transaction_id, global_position) > (${from.commit.toString()}::xid8, ${from.prepare.toString()}::bigint)`;
    const organization = options.organizationId === undefined ? sql`true` : sql`organization_id = ${options.organizationId}`;
    const types = options.types === undefined ? sql`true` : sql`type = any(${[...options.types]}::text[])`;
    const result = await sql<EventRow>`
      select event_id, stream_id, stream_revision, transaction_id, global_position, type, data, metadata
      from es_events
      where ${after} and ${organization} and ${types}
        and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      order by transaction_id, global_position
      limit ${options.limit ?? 1000}`.execute(this.db);
    return result.rows.map(toRecorded);
  }

  async *subscribeAll(options: SubscribeOptions = {}): AsyncIterable<readonly RecordedEvent[]> {
    let from = options.from ?? START;
    const batchSize = options.batchSize ?? 500;
    while (!options.signal?.aborted) {
      // Registered before the read, so an append that lands while we read still wakes us.
      const woken = waitForSignalOrTimeout(this.appended, 'append', this.pollIntervalMs, options.signal);
      const batch = await this.readAll({ ...options, from, limit: batchSize });
      if (batch.length > 0) {
        woken.cancel();
        from = batch[batch.length - 1].position;
        yield batch;
        continue;
      }
      await woken.promise;
    }
  }

  async headPosition(): Promise<GlobalPosition> {
    const result = await sql<{ transaction_id: bigint; global_position: bigint }>`
      select transaction_id, global_position from es_events
      where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      order by transaction_id desc, global_position desc limit 1`.execute(this.db);
    const row = result.rows[0];
    return row ? { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) } : START;
  }

  async close(): Promise<void> {
    this.appended.removeAllListeners();
  }

  private async emptyAppend(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const actual = await this.currentRevision(streamId);
    if (!satisfies(expected, actual)) {
      throw actual === -1n ? new StreamNotFoundError(streamId, expected) : new WrongExpectedRevisionError(streamId, expected, actual);
    }
    return { nextExpectedRevision: actual, position: await this.headPosition(), alreadyAppended: true };
  }

  /** Nothing was written: either this exact append happened before (idempotent retry) or the revision was wrong. */
  private async explainRefusedAppend(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    const ids = events.map((e) => e.id);
    const existing = await sql<EventRow>`
      select event_id, stream_id, stream_revision, transaction_id, global_position, type, data, metadata
      from es_events where event_id = any(${ids}::uuid[]) order by stream_revision`.execute(this.db);
    const sameStream = existing.rows.every((row) => row.stream_id === streamId);
    if (existing.rows.length === events.length && sameStream) {
      const last = existing.rows[existing.rows.length - 1];
      return {
        nextExpectedRevision: BigInt(last.stream_revision),
        position: { commit: BigInt(last.transaction_id), prepare: BigInt(last.global_position) },
        alreadyAppended: true,
      };
    }
    const actual = await this.currentRevision(streamId);
    if (actual === -1n && expected !== 'no_stream') throw new StreamNotFoundError(streamId, expected);
    throw new WrongExpectedRevisionError(streamId, expected, actual);
  }

  private async currentRevision(streamId: string): Promise<bigint> {
    const result = await sql<{ revision: bigint }>`select revision from es_streams where stream_id = ${streamId}`.execute(this.db);
    return result.rows[0] ? BigInt(result.rows[0].revision) : -1n;
  }
}

const satisfies = (expected: ExpectedRevision, actual: bigint) =>
  expected === 'any' || (expected === 'no_stream' ? actual === -1n : expected === 'stream_exists' ? actual >= 0n : actual === expected);

/** The statement that advances the stream's revision, returning the new one only if `expected` holds. */
function bumpStream(streamId: string, organizationId: string | null, count: bigint, expected: ExpectedRevision) {
  const n = count.toString();
  if (expected === 'no_stream') {
    return sql`insert into es_streams (stream_id, revision, organization_id) values (${streamId}, ${n}::bigint - 1, ${organizationId})
      on conflict (stream_id) do nothing returning revision`;
  }
  if (expected === 'any') {
    return sql`insert into es_streams (stream_id, revision, organization_id) values (${streamId}, ${n}::bigint - 1, ${organizationId})
      on conflict (stream_id) do update set revision = es_streams.revision + ${n}::bigint returning revision`;
  }
  if (expected === 'stream_exists') {
    return sql`update es_streams set revision = revision + ${n}::bigint where stream_id = ${streamId} returning revision`;
  }
  return sql`update es_streams set revision = revision + ${n}::bigint
    where stream_id = ${streamId} and revision = ${expected.toString()}::bigint returning revision`;
}
