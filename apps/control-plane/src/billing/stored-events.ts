import { sql } from 'kysely';
import { AnyDb } from '../../../../libs/read-model/src/projection/projector';

export interface StoredEvent {
  readonly type: string;
  readonly data: unknown;
}

/**
 * The events among `ids` that the store already holds, by id. The PostgreSQL adapter refuses an "any"
 * append in which only some ids exist, so ingestion asks first and appends only the new ones.
 */
export async function storedEventsById(db: AnyDb, ids: readonly string[]): Promise<Map<string, StoredEvent>> {
  if (ids.length === 0) return new Map();
  const result = await sql<{ event_id: string; type: string; data: unknown }>`
    select event_id::text as event_id, type, data from es_events where event_id = any(${[...ids]}::uuid[])`.execute(db);
  return new Map(result.rows.map((row) => [row.event_id, { type: row.type, data: row.data }]));
}
