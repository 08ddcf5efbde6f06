import { sql } from 'kysely';
import { AnyDb } from '../../read-model/src/projection/projector';

/**
 * The runner's index of instances with work left (the truth is each instance's stream). A row is
 * written `running` before an input is recorded, so after a crash the scheduler finds every instance
 * that may have work, and is updated after each step with when it is next due.
 */
export interface ProcessInstancesTable {
  process: string;
  process_id: string;
  stream_id: string;
  organization_id: string | null;
  status: string;
  wake_at: Date | null;
  attempts: number;
  last_error: string | null;
  started_at: Date;
  updated_at: Date;
}

export type InstanceStatus = 'running' | 'waiting' | 'completed' | 'failed';

export async function createProcessInstancesTable(db: AnyDb): Promise<void> {
  await sql`
    create table if not exists process_instances (
      process text not null,
      process_id text not null,
      stream_id text not null,
      organization_id text,
      status text not null,
      wake_at timestamptz,
      attempts integer not null default 0,
      last_error text,
      started_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (process, process_id)
    );
    create index if not exists process_instances_due on process_instances (process, status, wake_at)`.execute(db);
}

export async function markRunning(db: AnyDb, row: { process: string; process_id: string; stream_id: string; organization_id: string | null }): Promise<void> {
  await sql`
    insert into process_instances (process, process_id, stream_id, organization_id, status, wake_at)
    values (${row.process}, ${row.process_id}, ${row.stream_id}, ${row.organization_id}, 'running', now())
    on conflict (process, process_id) do update set status = 'running', wake_at = now(), updated_at = now()`.execute(db);
}

export async function recordInstance(db: AnyDb, process: string, processId: string,
  values: { status: InstanceStatus; wake_at: string | null; attempts: number; last_error: string | null }): Promise<void> {
  await sql`
    update process_instances set status = ${values.status}, wake_at = ${values.wake_at}::timestamptz, attempts = ${values.attempts},
      last_error = ${values.last_error}, updated_at = now()
    where process = ${process} and process_id = ${processId}`.execute(db);
}

export async function dueInstances(db: AnyDb, process: string, limit: number): Promise<string[]> {
  const result = await sql<{ process_id: string }>`
    select process_id from process_instances
    where process = ${process} and status in ('running', 'waiting') and wake_at <= now()
    order by wake_at limit ${limit}`.execute(db);
  return result.rows.map((r) => r.process_id);
}

export interface InstanceListing {
  readonly process: string;
  readonly process_id: string;
  readonly organization_id: string | null;
  /** `stuck`: an effect keeps failing (3 attempts or more) or its wake-up is over a minute late. */
  readonly status: InstanceStatus | 'stuck';
  readonly wake_at: string | null;
  readonly attempts: number;
  readonly last_error: string | null;
  readonly started_at: string;
  readonly updated_at: string;
}

export async function listInstances(db: AnyDb, options: { includeFinished?: boolean; process?: string } = {}): Promise<InstanceListing[]> {
  const result = await sql<{
    process: string; process_id: string; organization_id: string | null; status: string; wake_at: Date | string | null;
    attempts: number; last_error: string | null; started_at: Date | string; updated_at: Date | string; late: boolean;
  }>`
    select process, process_id, organization_id, status, wake_at, attempts, last_error, started_at, updated_at,
      coalesce(wake_at < now() - interval '1 minute', false) as late
    from process_instances
    where (${options.includeFinished ?? false} or status in ('running', 'waiting'))
      and (${options.process ?? null}::text is null or process = ${options.process ?? null})
    order by process, started_at, process_id`.execute(db);
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
  return result.rows.map((r) => ({
    process: r.process, process_id: r.process_id, organization_id: r.organization_id,
    status: (r.status === 'running' || r.status === 'waiting') && (r.attempts >= 3 || r.late) ? 'stuck' : r.status as InstanceStatus,
    wake_at: iso(r.wake_at), attempts: r.attempts, last_error: r.last_error,
    started_at: iso(r.started_at) as string, updated_at: iso(r.updated_at) as string,
  }));
}
