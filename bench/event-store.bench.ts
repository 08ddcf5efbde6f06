import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createEventStoreSchema, EventToAppend, PostgresEventStore } from '../libs/event-store/src';
import { openBenchDatabase } from './support/bench-database';
import { size } from './support/options';
import { fmt, measureRate, printTable, ratio } from './support/report';
import { results } from './support/results';


const eventFor = (i: number): EventToAppend => ({
  id: randomUUID(),
  type: 'ProjectCreated',
  data: { organization_id: 'org_bench', project_id: `prj_${i}`, name: `p${i}`, description: '', created_at: '2026-05-01T00:00:00.000Z' },
  metadata: { organization_id: 'org_bench', actor: { id: 'usr_bench', kind: 'user' }, cause: `req_${i}`, correlation_id: `req_${i}`, occurred_at: '2026-05-01T00:00:00.000Z', schema_version: 1 },
});

/**
 * Command appends through the port (one event per command, each a new stream with no_stream, as a
 * create command does) vs the raw baseline: one INSERT of the same row per transaction into a plain
 * table with the same columns, at the same concurrency, on the same server.
 */
export async function runEventStoreBench(): Promise<void> {
  const COMMANDS = size('BENCH_APPENDS', 8000, 200);
  const db = await openBenchDatabase(16);
  try {
    await createEventStoreSchema(db.db);
    await sql`create table raw_events (id bigint generated always as identity primary key, event_id uuid not null,
      stream_id text not null, stream_revision bigint not null, organization_id text, type text not null, data jsonb not null, metadata jsonb not null)`.execute(db.db);
    const store = new PostgresEventStore(db.db);
    const rows: string[][] = [['writers', 'port appends/s', 'raw INSERT tx/s', 'port / raw']];
    for (const writers of [1, 8]) {
      const run = randomUUID().slice(0, 8);
      const raw = await measureRate(COMMANDS, writers, async (i) => {
        const e = eventFor(i);
        await sql`insert into raw_events (event_id, stream_id, stream_revision, organization_id, type, data, metadata)
          values (${e.id}::uuid, ${`project-org_bench.${run}-${i}`}, 0, 'org_bench', ${e.type}, ${JSON.stringify(e.data)}::jsonb, ${JSON.stringify(e.metadata)}::jsonb)`.execute(db.db);
      });
      const port = await measureRate(COMMANDS, writers, async (i) => {
        await store.append(`project-org_bench.${run}-${i}`, [eventFor(i)], 'no_stream');
      });
      rows.push([String(writers), fmt(port), fmt(raw), ratio(port, raw)]);
      results.record({
        figure: `appends through the port, ${writers} writer${writers > 1 ? 's' : ''}`, value: port, unit: 'appends/s',
        baseline: { figure: 'raw one-row INSERT transactions', value: raw, unit: 'tx/s' },
        goal: writers === 8 ? { on: 'ratio', op: '>=', target: 1.0 } : undefined,
      });
    }
    printTable(`Event store appends on PostgreSQL (${fmt(COMMANDS)} commands per run, one event each)`, rows);
  } finally {
    await db.close();
  }
}

if (require.main === module) void runEventStoreBench();
