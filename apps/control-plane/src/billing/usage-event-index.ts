import { sql } from 'kysely';
import { RecordedEvent } from '../../../../libs/event-store/src';
import { AnyDb } from '../../../../libs/read-model/src/projection/projector';

export interface StoredEvent {
  readonly type: string;
  readonly data: unknown;
}

/** One event of a usage stream as the index keeps it. */
export type IndexedEvent = Pick<RecordedEvent, 'id' | 'streamId' | 'revision' | 'type' | 'data'>;

/**
 * Usage ingestion's index of the usage events it has seen appended (`UsageRecorded`, `UsageRecordRejected`), by
 * event id, on either event store. Ingestion is idempotent by event id across streams (a record id reported again
 * with another namespace or day would go to another stream), and neither store looks events up by id through the
 * port — EventStoreDB has no such lookup at all. So ingestion writes the events it appends here after the store
 * acknowledged them. For each stream the index holds a gap-free prefix (revisions 0 to `indexedThroughEach`), and
 * each append carries that exact revision: events a crash kept out of the index, or a concurrent report appended
 * meanwhile, make it fail, and the retry reads the stream's tail past the prefix, finds them there and indexes
 * them too, so a report racing ours is never appended twice.
 *
 * Not a projection: no checkpoint, and a rebuild leaves it alone. Created on start; on the PostgreSQL store it is
 * back-filled once from es_events (with events in EventStoreDB, streams are indexed as ingestion reaches them).
 */
export async function createUsageEventIndex(db: AnyDb): Promise<void> {
  const existed = (await sql<{ t: string | null }>`select to_regclass('usage_event_index')::text as t`.execute(db)).rows[0].t !== null;
  await sql`
    create table if not exists usage_event_index (
      event_id uuid primary key,
      stream_id text not null,
      stream_revision bigint not null,
      type text not null,
      data jsonb not null
    );
    create index if not exists usage_event_index_by_stream on usage_event_index (stream_id, stream_revision);
  `.execute(db);
  if (existed) return;
  await sql`
    insert into usage_event_index (event_id, stream_id, stream_revision, type, data)
    select event_id, stream_id, stream_revision, type, data from es_events where type in ('UsageRecorded', 'UsageRecordRejected')
    on conflict do nothing
  `.execute(db);
}

/** The events among `ids` the index holds, by id. */
export async function indexedEventsById(db: AnyDb, ids: readonly string[]): Promise<Map<string, StoredEvent>> {
  if (ids.length === 0) return new Map();
  const result = await sql<{ event_id: string; type: string; data: unknown }>`
    select event_id::text as event_id, type, data from usage_event_index where event_id = any(${[...ids]}::uuid[])`.execute(db);
  return new Map(result.rows.map((row) => [row.event_id, { type: row.type, data: row.data }]));
}

/** The last revision of each of `streamIds` the index holds (absent: none): a stream's tail starts after it. */
export async function indexedThroughEach(db: AnyDb, streamIds: readonly string[]): Promise<Map<string, bigint>> {
  if (streamIds.length === 0) return new Map();
  const result = await sql<{ stream_id: string; revision: string | number | bigint }>`
    select stream_id, max(stream_revision) as revision from usage_event_index where stream_id = any(${[...streamIds]}::text[])
    group by stream_id`.execute(db);
  return new Map(result.rows.map((row) => [row.stream_id, BigInt(row.revision)]));
}

/** Adds events the store holds; idempotent. */
export async function indexEvents(db: AnyDb, events: readonly IndexedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql`
    insert into usage_event_index (event_id, stream_id, stream_revision, type, data)
    select * from unnest(${events.map((e) => e.id)}::uuid[], ${events.map((e) => e.streamId)}::text[],
      ${events.map((e) => e.revision.toString())}::bigint[], ${events.map((e) => e.type)}::text[],
      ${events.map((e) => JSON.stringify(e.data))}::jsonb[])
    on conflict do nothing
  `.execute(db);
}
