import { sql } from 'kysely';
import { AnyDb } from '../../libs/read-model/src/projection/projector';

/** Position of the last event appended (not the visible head, which lags while any transaction of the server runs). */
export async function lastAppended(db: AnyDb): Promise<{ commit: string; prepare: string }> {
  const last = await sql<{ c: string; p: string }>`select transaction_id::text as c, global_position::text as p from es_events
    order by transaction_id desc, global_position desc limit 1`.execute(db);
  return { commit: last.rows[0].c, prepare: last.rows[0].p };
}

/**
 * Waits until every projector's stored checkpoint has passed the last appended event — the projectors
 * may run in another process (the control plane), so their checkpoints are the only truth. Processes
 * (`process:` checkpoints) are not read models and move only on the events they react to.
 */
export async function waitUntilProjected(db: AnyDb, timeoutMs: number, pollMs = 250): Promise<void> {
  const head = await lastAppended(db);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const behind = await sql<{ n: string; total: string }>`select count(*) filter (where (commit_position, prepare_position) < (${head.commit}::bigint, ${head.prepare}::bigint))::text as n,
      count(*)::text as total from projection_checkpoints where name not like 'process:%'`.execute(db);
    if (behind.rows[0].n === '0' && behind.rows[0].total !== '0') return;
    if (Date.now() > deadline) throw new Error(`${behind.rows[0].n} projectors still behind the last appended event after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
