import { ColumnType, Generated, sql } from 'kysely';
import { AnyDb } from '../../../../libs/read-model/src/projection/projector';

/**
 * Tables that are request infrastructure, not domain state: the idempotency cache and API-key usage
 * (last_used_at is kept here, not as an event per request, to avoid an append on every read), and what
 * the billing-restriction enforcer last applied to each runtime credential on its target.
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
    create table if not exists runtime_credential_enforcement (
      credential_id text primary key,
      organization_id text not null,
      applied text not null,
      steps integer not null default 0,
      updated_at timestamptz not null default now()
    );
    create table if not exists api_key_usage (
      key_id text primary key,
      last_used_at timestamptz not null
    );
  `.execute(db);
}

/** Request infrastructure, not domain state: the idempotency cache of mutating requests. */
export interface IdempotencyRecordsTable {
  scope: string;
  key: string;
  request_hash: string;
  state: string;
  status: number | null;
  content_type: string | null;
  headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  body: string | null;
  created_at: Generated<Date>;
}

export interface ApiKeyUsageTable {
  key_id: string;
  last_used_at: Date;
}

/**
 * Written by a trigger on the event log in the append's own transaction, or (events in EventStoreDB) right after
 * the acknowledged append (apps/control-plane/src/auth/access-revocations.ts).
 */
export interface AccessRevocationsTable {
  organization_id: string;
  kind: 'api_key' | 'principal' | 'binding' | 'role';
  subject_id: string;
  state: string;
  /** The event's revision in its stream when written after an EventStoreDB append (orders those writes); null from the trigger. */
  stream_revision: ColumnType<string | null, string | null | undefined, string | null>;
}

/** What the billing-restriction enforcer last applied on the target (apps/control-plane/src/billing/billing-restriction-enforcer.ts). */
export interface RuntimeCredentialEnforcementTable {
  credential_id: string;
  organization_id: string;
  applied: string;
  steps: number;
  updated_at: Generated<Date>;
}

export interface InfrastructureTables {
  idempotency_records: IdempotencyRecordsTable;
  api_key_usage: ApiKeyUsageTable;
  access_revocations: AccessRevocationsTable;
  runtime_credential_enforcement: RuntimeCredentialEnforcementTable;
}
