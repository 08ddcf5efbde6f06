import { randomUUID } from 'node:crypto';
import { createEventStoreSchema, PostgresEventStore } from '../libs/event-store/src';
import { openBenchDatabase } from './support/bench-database';
import { freePort, rssMb, startControlPlaneProcess } from './support/control-plane-process';
import { size } from './support/options';
import { createBenchOrganization } from './support/projects-http';
import { fmt, printTable } from './support/report';
import { results } from './support/results';
import { eventsPerOrganization, seedOrganizations, SeedShape } from './support/seed';
import { waitUntilProjected } from './support/wait-projected';

/** Per organization: 2 keys, 10 projects of 1 ProjectCreated + 49 ProjectUpdated — 504 events. */
const SHAPE: SeedShape = { projects: 10, updatesPerProject: 49, keys: 2 };

/**
 * Memory of the control plane after a million events. Appending a million events through the HTTP
 * API would take hours (a request and a projection wait per command), so this benchmark appends the
 * same events the commands append (organizations, owners, keys, projects and their updates; see
 * support/seed.ts) through the event-store port from this process, in big appends with 8 writers,
 * while the control plane runs in its own process on the same database with every projector embedded:
 * it finds the events by polling and projects all of them (read models, audit log, hash chains).
 * Its RSS (VmRSS from /proc) is sampled every 250 ms from start to the end; the figure is the RSS once
 * every projector has passed the last event, beside the RSS of the same process idle after start-up
 * (the baseline of the same run). The peak during the catch-up is printed too.
 */
export async function runRssBench(): Promise<void> {
  const target = size('BENCH_RSS_EVENTS', 1_000_000, 2_000);
  const organizations = Math.max(1, Math.round(target / eventsPerOrganization(SHAPE)));
  const db = await openBenchDatabase(8);
  await createEventStoreSchema(db.db);
  const server = await startControlPlaneProcess(db.url, await freePort(), { DWC_PROBE_INTERVAL_MS: '0' });
  const samples: number[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    await createBenchOrganization(server, 'rss-warm-up');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idle = rssMb(server.pid);
    sampler = setInterval(() => samples.push(rssMb(server.pid)), 250);
    const store = new PostgresEventStore(db.db);
    const appendStarted = process.hrtime.bigint();
    const { events } = await seedOrganizations(store, `rss-${randomUUID().slice(0, 6)}`, 0, organizations, SHAPE, 8);
    const appendSeconds = Number(process.hrtime.bigint() - appendStarted) / 1e9;
    await store.close();
    await waitUntilProjected(db.db, 3_600_000);
    const projectedSeconds = Number(process.hrtime.bigint() - appendStarted) / 1e9;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    clearInterval(sampler);
    sampler = undefined;
    const after = rssMb(server.pid);
    const peak = Math.max(...samples, after);
    printTable(`Control-plane memory after ${fmt(events)} events (${fmt(organizations)} organizations: keys, projects, updates) appended through the port `
      + `in ${appendSeconds.toFixed(1)} s and projected by the control plane (its own process, PostgreSQL) by ${projectedSeconds.toFixed(1)} s`, [
      ['RSS', 'MB'],
      ['idle after start-up (baseline, same process)', idle.toFixed(0)],
      ['peak while the projectors caught up', peak.toFixed(0)],
      ['after every projector passed the last event', after.toFixed(0)],
    ]);
    results.record({
      figure: `control-plane RSS after ${fmt(events)} events appended and projected`, value: after, unit: 'MB',
      baseline: { figure: 'RSS of the same process idle after start-up', value: idle }, goal: { on: 'value', op: '<', target: 300 },
    });
    results.record({ figure: `control-plane RSS peak while projecting ${fmt(events)} events`, value: peak, unit: 'MB', baseline: { figure: 'RSS idle after start-up', value: idle } });
    results.record({
      figure: `all projectors in the control plane: ${fmt(events)} events appended and projected`, value: events / projectedSeconds, unit: 'events/s',
      baseline: { figure: 'appends alone through the port, 8 writers', value: events / appendSeconds },
    });
  } finally {
    if (sampler) clearInterval(sampler);
    await server.stop();
    await db.close();
  }
}

if (require.main === module) {
  runRssBench().then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`rss benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
