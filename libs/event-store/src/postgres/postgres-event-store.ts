import { EventEmitter } from 'node:events';
import { Kysely, sql } from 'kysely';
import { EventMetadata } from '../../../domain/shared/event';
import { StreamNotFoundError, WrongExpectedRevisionError } from '../errors';
import {
  AppendResult, EventStore, EventToAppend, ExpectedRevision, MultiStreamAppend, ReadAllOptions, RecordedEvent, StreamAppend, SubscribeOptions,
} from '../event-store';
import { comparePositions, GlobalPosition, START } from '../position';
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
const DEADLOCK_DETECTED = '40P01';
/** Parts sorted by stream id: every multi-stream append takes its index entries in the same order. */
const inStreamOrder = (appends: readonly StreamAppend[]) => [...appends].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
const STREAM_REVISION_CONSTRAINT = 'es_events_stream_id_stream_revision_key';

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
export class PostgresEventStore implements EventStore, MultiStreamAppend {
  private readonly appended = new EventEmitter().setMaxListeners(0);
  private readonly pollIntervalMs: number;

  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- shares the application's kysely handle, whatever its tables; es_events is queried through sql``
    private readonly db: Kysely<any>,
    options: PostgresEventStoreOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
  }

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return this.emptyAppend(streamId, expected);
    // "any" has no expectation to fail, so losing a race for the next revision just means trying again.
    for (let attempt = 1; ; attempt++) {
      let rows: EventRow[];
      try {
        rows = (await sql<EventRow>`
          insert into es_events (event_id, stream_id, stream_revision, organization_id, type, data, metadata)
          ${eventRows(streamId, events, expected)}
          returning transaction_id, global_position, stream_revision`.execute(this.db)).rows;
      } catch (error) {
        const { code, constraint } = error as { code?: string; constraint?: string };
        if (code !== UNIQUE_VIOLATION) throw error;
        if (expected === 'any' && constraint === STREAM_REVISION_CONSTRAINT && attempt < 10) continue;
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
  }

  /**
   * One INSERT for every part in one transaction; a part refused (its guard or its unique index) rolls back all.
   * The parts go in stream order, so two batches that share streams wait on each other's index entries in one
   * direction; a deadlock PostgreSQL still finds (an event id shared across streams) is a refusal like the others.
   */
  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[] | null> {
    if (new Set(appends.map((a) => a.streamId)).size !== appends.length || appends.some((a) => a.events.length === 0)) {
      throw new Error('appendToStreams takes distinct streams, each with events');
    }
    if (appends.length === 0) return [];
    const wanted = appends.reduce((n, a) => n + a.events.length, 0);
    const refused = Symbol('refused');
    let rows: EventRow[];
    try {
      rows = await this.db.transaction().execute(async (trx) => {
        const inserted = (await sql<EventRow>`
          insert into es_events (event_id, stream_id, stream_revision, organization_id, type, data, metadata)
          ${sql.join(inStreamOrder(appends).map((a) => sql`(${eventRows(a.streamId, a.events, a.expected)})`), sql` union all `)}
          returning stream_id, transaction_id, global_position, stream_revision`.execute(trx)).rows;
        if (inserted.length !== wanted) throw refused;
        return inserted;
      });
    } catch (error) {
      if (error === refused || [UNIQUE_VIOLATION, DEADLOCK_DETECTED].includes((error as { code?: string }).code ?? '')) return null;
      throw error;
    }
    this.appended.emit('append');
    const last = new Map<string, EventRow>();
    for (const row of rows) {
      const seen = last.get(row.stream_id);
      if (!seen || BigInt(row.stream_revision) > BigInt(seen.stream_revision)) last.set(row.stream_id, row);
    }
    return appends.map((a) => {
      const row = last.get(a.streamId) as EventRow;
      return {
        nextExpectedRevision: BigInt(row.stream_revision),
        position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) },
        alreadyAppended: false,
      };
    });
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
    const batchSize = options.batchSize ?? 500;
    const filtered = options.types !== undefined || options.organizationId !== undefined;
    const read = filtered ? (from: GlobalPosition) => this.readFiltered(options, from, batchSize)
      : async (from: GlobalPosition) => {
        const batch = await this.readAll({ ...options, from, limit: batchSize });
        return { batch, next: batch.length > 0 ? batch[batch.length - 1].position : from };
      };
    let from = options.from ?? START;
    let caughtUpSent = false;
    let prefetched: Promise<{ batch: RecordedEvent[]; next: GlobalPosition }> | undefined;
    while (!options.signal?.aborted) {
      // Registered before the read, so an append that lands while we read still wakes us.
      const woken = waitForSignalOrTimeout(this.appended, 'append', this.pollIntervalMs, options.signal);
      const { batch, next } = await (prefetched ?? read(from));
      prefetched = undefined;
      from = next;
      if (batch.length > 0) {
        woken.cancel();
        caughtUpSent = false;
        // Catching up: the next batch is read while the consumer works on this one.
        if (batch.length === batchSize) {
          prefetched = read(from);
          // A consumer that stops iterating at this yield never awaits the read; its failure (the pool could not
          // connect, the database went away) must not become an unhandled rejection that ends the process.
          prefetched.catch(() => undefined);
        }
        yield batch;
        continue;
      }
      if (!caughtUpSent) {
        caughtUpSent = true;
        woken.cancel();
        yield [];
        continue;
      }
      await woken.promise;
    }
    await prefetched?.catch(() => undefined);
  }

  /**
   * A filtered page of the log plus how far it looked. The page is bounded by the last visible event
   * (read in the same statement): when fewer than `limit` events match, everything up to that event
   * has been looked at, and the next read starts after it — so a subscription to rare event types
   * does not scan the whole log after its last match again at every append. Everything at or below
   * that event is committed (its transaction is older than every running one), so nothing can still
   * land behind it.
   */
  private async readFiltered(options: SubscribeOptions, from: GlobalPosition, limit: number): Promise<{ batch: RecordedEvent[]; next: GlobalPosition }> {
    const after = from.commit < 0n
      ? sql`true`
      : sql`(e.transaction_id, e.global_position) > (${from.commit.toString()}::xid8, ${from.prepare.toString()}::bigint)`;
    const organization = options.organizationId === undefined ? sql`true` : sql`e.organization_id = ${options.organizationId}`;
    const types = options.types === undefined ? sql`true` : sql`e.type = any(${[...options.types]}::text[])`;
    const result = await sql<Partial<EventRow> & { head_transaction_id: bigint; head_global_position: bigint }>`
      with head as (
        select transaction_id, global_position from es_events
        where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        order by transaction_id desc, global_position desc limit 1)
      select h.transaction_id as head_transaction_id, h.global_position as head_global_position,
        e.event_id, e.stream_id, e.stream_revision, e.transaction_id, e.global_position, e.type, e.data, e.metadata
      from head h left join lateral (
        select e.* from es_events e
        where ${after} and (e.transaction_id, e.global_position) <= (h.transaction_id, h.global_position) and ${organization} and ${types}
        order by e.transaction_id, e.global_position
        limit ${limit}) e on true`.execute(this.db);
    const batch = result.rows.filter((row) => row.event_id !== null && row.event_id !== undefined).map((row) => toRecorded(row as EventRow));
    if (batch.length === limit) return { batch, next: batch[batch.length - 1].position };
    const head = result.rows[0];
    const scanned: GlobalPosition = head ? { commit: BigInt(head.head_transaction_id), prepare: BigInt(head.head_global_position) } : from;
    return { batch, next: comparePositions(scanned, from) > 0 ? scanned : from };
  }

  async headPosition(): Promise<GlobalPosition> {
    const result = await sql<{ transaction_id: bigint; global_position: bigint }>`
      select transaction_id, global_position from es_events
      where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      order by transaction_id desc, global_position desc limit 1`.execute(this.db);
    const row = result.rows[0];
    return row ? { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) } : START;
  }

  async lastCommittedPosition(): Promise<GlobalPosition> {
    const result = await sql<{ transaction_id: bigint; global_position: bigint }>`
      select transaction_id, global_position from es_events order by transaction_id desc, global_position desc limit 1`.execute(this.db);
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
    const result = await sql<{ revision: bigint | null }>`select max(stream_revision) as revision from es_events where stream_id = ${streamId}`.execute(this.db);
    const revision = result.rows[0]?.revision;
    return revision === null || revision === undefined ? -1n : BigInt(revision);
  }
}

const satisfies = (expected: ExpectedRevision, actual: bigint) =>
  expected === 'any' || (expected === 'no_stream' ? actual === -1n : expected === 'stream_exists' ? actual >= 0n : actual === expected);

/**
 * The rows to insert, numbered after the revision `expected` names. The stream's own unique
 * (stream_id, stream_revision) index is the concurrency check: a writer that lost the race hits it.
 * An exact revision must also exist already, or the append would leave a hole.
 */
function eventRows(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision) {
  const organizationId = events[0].metadata.organization_id;
  const base = expected === 'no_stream' ? sql`-1::bigint`
    : typeof expected === 'bigint' ? sql`${expected.toString()}::bigint`
    : sql`(select coalesce(max(stream_revision), -1) from es_events where stream_id = ${streamId})`;
  const guard = expected === 'stream_exists'
    ? sql`exists (select 1 from es_events where stream_id = ${streamId})`
    : typeof expected === 'bigint'
      ? sql`exists (select 1 from es_events where stream_id = ${streamId} and stream_revision = ${expected.toString()}::bigint)`
      : sql`true`;
  if (events.length === 1) {
    const [e] = events;
    return sql`select ${e.id}::uuid, ${streamId}, ${base} + 1, ${organizationId}, ${e.type}, ${JSON.stringify(e.data)}::jsonb,
      ${JSON.stringify(e.metadata)}::jsonb where ${guard}`;
  }
  const payload = JSON.stringify(events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })));
  return sql`select (e.ev->>'id')::uuid, ${streamId}, b.base + e.ord, ${organizationId}, e.ev->>'type', e.ev->'data', e.ev->'metadata'
    from (select ${base} as base) b cross join jsonb_array_elements(${payload}::jsonb) with ordinality as e(ev, ord)
    where ${guard}`;
}
