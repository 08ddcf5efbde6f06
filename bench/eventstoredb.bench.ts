import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { createEventStoreSchema, EventStore, EventStoreDbEventStore, EventToAppend, PostgresEventStore, START } from '../libs/event-store/src';
import { openBenchDatabase } from './support/bench-database';
import { size } from './support/options';
import { fmt, measureRate, printTable, ratio } from './support/report';
import { results } from './support/results';

const DOUBLE = join(__dirname, '../apps/esdb-double/src/main.js');

const eventFor = (i: number): EventToAppend => ({
  id: randomUUID(),
  type: 'ProjectCreated',
  data: { organization_id: 'org_bench', project_id: `prj_${i}`, name: `p${i}`, description: '', created_at: '2026-05-01T00:00:00.000Z' },
  metadata: { organization_id: 'org_bench', actor: { id: 'usr_bench', kind: 'user' }, cause: `req_${i}`, correlation_id: `req_${i}`, occurred_at: '2026-05-01T00:00:00.000Z', schema_version: 1 },
});

/** The double in its own process (as `npm run esdb-double` runs it), so it does not share this event loop. */
async function startDouble(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [DOUBLE, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /EVENTSTORE_URL=(\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`esdb-double exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function catchUpRate(store: EventStore, total: number): Promise<number> {
  const controller = new AbortController();
  let seen = 0;
  const started = process.hrtime.bigint();
  for await (const batch of store.subscribeAll({ from: START, batchSize: 500, signal: controller.signal })) {
    seen += batch.length;
    if (seen >= total) break;
  }
  controller.abort();
  return seen / (Number(process.hrtime.bigint() - started) / 1e9);
}

/**
 * Appends and catch-up through the EventStoreDB adapter against the protocol double (a separate
 * process on loopback), beside the raw client on the same double and the PostgreSQL adapter on the
 * local server. The double is not EventStoreDB: the figures measure the adapter's own overhead over
 * the client, not EventStoreDB's speed.
 */
export async function runEventStoreDbBench(): Promise<void> {
  const COMMANDS = size('BENCH_ESDB_APPENDS', 4000, 100);
  const double = await startDouble();
  const db = await openBenchDatabase(16);
  const esdb = new EventStoreDbEventStore(double.url);
  const raw = EventStoreDBClient.connectionString(double.url);
  const pg = new PostgresEventStore(db.db);
  try {
    await createEventStoreSchema(db.db);
    const rows: string[][] = [['writers', 'adapter on double /s', 'raw client on double /s', 'adapter / raw', 'PostgreSQL adapter /s']];
    let appended = 0;
    for (const writers of [1, 8]) {
      const run = randomUUID().slice(0, 8);
      const rawRate = await measureRate(COMMANDS, writers, async (i) => {
        const e = eventFor(i);
        await raw.appendToStream(`raw-org_bench.${run}-${i}`, jsonEvent({ id: e.id, type: e.type, data: e.data as never, metadata: e.metadata as never }), { expectedRevision: 'no_stream' });
      });
      const adapterRate = await measureRate(COMMANDS, writers, async (i) => {
        await esdb.append(`project-org_bench.${run}-${i}`, [eventFor(i)], 'no_stream');
      });
      const pgRate = await measureRate(COMMANDS, writers, async (i) => {
        await pg.append(`project-org_bench.${run}-${i}`, [eventFor(i)], 'no_stream');
      });
      appended += COMMANDS;
      rows.push([String(writers), fmt(adapterRate), fmt(rawRate), ratio(adapterRate, rawRate), fmt(pgRate)]);
      results.record({
        figure: `appends through the EventStoreDB adapter on the double, ${writers} writer${writers > 1 ? 's' : ''}`, value: adapterRate, unit: 'appends/s',
        storage: 'esdb-double', baseline: { figure: 'raw client on the double', value: rawRate },
      });
    }
    printTable(`Appends, one event per command with no_stream (${fmt(COMMANDS)} per run; the double is a stand-in, not EventStoreDB)`, rows);

    const adapterCatchUp = await catchUpRate(esdb, appended);
    let rawSeen = 0;
    const rawStarted = process.hrtime.bigint();
    const subscription = raw.subscribeToAll({ fromPosition: 'start', filter: { filterOn: 'streamName', regex: '^project-' } as never });
    for await (const _event of subscription) if (++rawSeen >= appended) break;
    await subscription.unsubscribe();
    const rawCatchUp = rawSeen / (Number(process.hrtime.bigint() - rawStarted) / 1e9);
    const pgCatchUp = await catchUpRate(pg, appended);
    results.record({
      figure: `catch-up through the EventStoreDB adapter on the double, ${fmt(appended)} events`, value: adapterCatchUp, unit: 'events/s',
      storage: 'esdb-double', baseline: { figure: 'raw client subscribeToAll on the double', value: rawCatchUp },
    });
    printTable(`Catch-up subscription from the start of the log (${fmt(appended)} events, batches of 500)`, [
      ['reader', 'events/s'],
      ['EventStoreDB adapter on the double', fmt(adapterCatchUp)],
      ['raw client subscribeToAll on the double', fmt(rawCatchUp)],
      ['adapter / raw', ratio(adapterCatchUp, rawCatchUp)],
      ['PostgreSQL adapter', fmt(pgCatchUp)],
    ]);
  } finally {
    await esdb.close();
    await raw.dispose();
    await db.close();
    double.stop();
  }
}

if (require.main === module) void runEventStoreDbBench();
