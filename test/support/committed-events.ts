import { sql } from 'kysely';
import { TestApp } from './test-app';

export interface CommittedEvent {
  readonly id: string;
  readonly type: string;
  readonly stream_id: string;
  readonly organization_id: string | null;
  readonly data: Record<string, unknown>;
}

/**
 * Every committed event, read from the table itself. Tests count and inspect what was written with
 * this rather than `readAll`, whose visibility horizon (by design) trails while any transaction on the
 * server is still running — other test files included.
 */
export async function committedEvents(app: TestApp, filter: { types?: readonly string[]; organizationId?: string } = {}): Promise<CommittedEvent[]> {
  const types = filter.types ? sql`type = any(${[...filter.types]}::text[])` : sql`true`;
  const organization = filter.organizationId !== undefined ? sql`organization_id = ${filter.organizationId}` : sql`true`;
  const result = await sql<CommittedEvent>`select event_id as id, type, stream_id, organization_id, data from es_events
    where ${types} and ${organization} order by transaction_id, global_position`.execute(app.storage.db);
  return result.rows;
}
