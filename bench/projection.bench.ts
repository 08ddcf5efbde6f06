import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createEventStoreSchema, EventToAppend, PostgresEventStore } from '../libs/event-store/src';
import { ProjectionRunner } from '../libs/read-model/src/projection/projection-runner';
import { auditFacts, chainHash, GENESIS_HASH } from '../projections/audit-log/audit-entry';
import { auditLogProjector } from '../projections/audit-log/audit-log.projector';
import { openBenchDatabase } from './support/bench-database';
import { size } from './support/options';
import { fmt, printTable, ratio } from './support/report';
import { results } from './support/results';

const PER_APPEND = 500;
const ORGANIZATIONS = 50;

const event = (i: number): EventToAppend => {
  const org = `org_${i % ORGANIZATIONS}`;
  return {
    id: randomUUID(), type: 'ProjectUpdated',
    data: { organization_id: org, name: `p${i % 1000}`, description: `rev ${i}`, updated_at: '2026-05-01T00:00:00.000Z' },
    metadata: { organization_id: org, actor: { id: 'usr_bench', kind: 'user', key_id: 'key_bench' }, cause: `req_${i}`, correlation_id: `req_${i}`, occurred_at: '2026-05-01T00:00:00.000Z', schema_version: 1 },
  };
};

/**
 * Projection catch-up: the audit-log projector (one hash-chained row per event) replays a log of
 * EVENTS events from position 0, vs the raw baseline of multi-row INSERTs (1,000 rows a statement)
 * of the same rows into a plain table with the same columns.
 */
export async function runProjectionBench(): Promise<void> {
  const EVENTS = size('BENCH_CATCH_UP_EVENTS', 100_000, 1_000);
  const db = await openBenchDatabase(8);
  try {
    await createEventStoreSchema(db.db);
    const store = new PostgresEventStore(db.db);
    for (let offset = 0; offset < EVENTS; offset += PER_APPEND) {
      const org = `org_${(offset / PER_APPEND) % ORGANIZATIONS}`;
      await store.append(`bench-${org}.${offset}`, Array.from({ length: PER_APPEND }, (_, k) => event(offset + k)), 'no_stream');
    }
    const head = await store.lastCommittedPosition();

    const runner = new ProjectionRunner(store, db.db, [auditLogProjector], { batchSize: 2000 });
    await runner.migrate();
    const started = process.hrtime.bigint();
    runner.start();
    if (!(await runner.waitFor(head, 600_000))) throw new Error('projection did not catch up');
    const projected = EVENTS / (Number(process.hrtime.bigint() - started) / 1e9);
    await runner.stop();

    await sql`create table raw_audit (like audit_log including all)`.execute(db.db);
    const all = await store.readAll({ limit: EVENTS });
    const heads = new Map<string, string>();
    const rows = all.map((e) => {
      const facts = auditFacts(e)!;
      const previous = heads.get(facts.organization_id) ?? GENESIS_HASH;
      const hash = chainHash(previous, facts);
      heads.set(facts.organization_id, hash);
      return { ...facts, previous_hash: previous, hash };
    });
    const rawStarted = process.hrtime.bigint();
    for (let i = 0; i < rows.length; i += 1000) await db.db.insertInto('raw_audit' as 'audit_log').values(rows.slice(i, i + 1000)).execute();
    const raw = EVENTS / (Number(process.hrtime.bigint() - rawStarted) / 1e9);

    results.record({
      figure: `projection catch-up, audit-log projector, ${fmt(EVENTS)} events`, value: projected, unit: 'events/s',
      baseline: { figure: 'raw multi-row INSERT of the same rows', value: raw, unit: 'rows/s' }, goal: { on: 'ratio', op: '>=', target: 1.0 },
    });
    printTable(`Projection catch-up on PostgreSQL (${fmt(EVENTS)} events from position 0)`, [
      ['what', 'events/s', 'vs raw'],
      ['audit-log projector catch-up (read log + hash chain + insert + checkpoint)', fmt(projected), ratio(projected, raw)],
      ['raw multi-row INSERT of the same rows (1,000/statement)', fmt(raw), '1.00×'],
    ]);
  } finally {
    await db.close();
  }
}

if (require.main === module) void runProjectionBench();
