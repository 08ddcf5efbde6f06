import { Kysely, sql } from 'kysely';

/**
 * The event store's own tables. `transaction_id` (xid8) orders the log together with the sequence:
 * readers only see rows whose transaction is older than every running one, so an event committed
 * late never shows up behind a position a reader already passed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any application's kysely handle; the schema is raw SQL
export async function createEventStoreSchema(db: Kysely<any>): Promise<void> {
  await sql`
    create table if not exists es_events (
      global_position bigint generated always as identity primary key,
      transaction_id xid8 not null default pg_current_xact_id(),
      event_id uuid not null unique,
      stream_id text not null,
      stream_revision bigint not null,
      organization_id text,
      type text not null,
      data jsonb not null,
      metadata jsonb not null,
      recorded_at timestamptz not null default now(),
      unique (stream_id, stream_revision)
    );
    create index if not exists es_events_log_order on es_events (transaction_id, global_position);
    create index if not exists es_events_by_organization on es_events (organization_id, transaction_id, global_position);
  `.execute(db);
}
