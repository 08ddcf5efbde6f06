import { sql } from 'kysely';
import { AnyDb } from '../../../../libs/read-model/src/projection/projector';

/**
 * Tables that are request infrastructure, not domain state: the idempotency cache and API-key usage
 * (last_used_at is kept here, not as an event per request, to avoid an append on every read).
 */
export async function createInfrastructureTables(db: AnyDb): Promise<void> {
  await sql`
    create table if not exists idempotency_records (
      scope text not null,
      key text not null,
      request_hash text not null,
      state text not null,
      status integer,
      content_type text,
      headers jsonb,
      body text,
      created_at timestamptz not null default now(),
      primary key (scope, key)
    );
    create table if not exists api_key_usage (
      key_id text primary key,
      last_used_at timestamptz not null
    );
  `.execute(db);
}
