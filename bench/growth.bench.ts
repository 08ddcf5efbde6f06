import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ApiKeyAuthenticator } from '../apps/control-plane/src/auth/api-key-authenticator';
import { LastUsedRecorder } from '../apps/control-plane/src/auth/last-used-recorder';
import { openPlatform } from '../apps/control-plane/src/platform/platform';
import { USAGE_ACTION_TYPES } from '../libs/domain/usage';
import { createEventStoreSchema, PostgresEventStore } from '../libs/event-store/src';
import { AnyDb } from '../libs/read-model/src/projection/projector';
import { openBenchDatabase } from './support/bench-database';
import { freePort, startControlPlaneProcess } from './support/control-plane-process';
import { size } from './support/options';
import { createBenchOrganization } from './support/projects-http';
import { fmt, percentile, printTable } from './support/report';
import { results } from './support/results';
import { eventsPerOrganization, seedOrganizations, SeedShape } from './support/seed';
import { seedMonthlyFromDaily } from './support/monthly-rollups';
import { waitUntilProjected } from './support/wait-projected';

/** Per organization: 2 keys, 5 projects with 9 updates each, 5 namespaces × 31 days × 2 action types of May's usage rollups. */
const SHAPE: SeedShape = { projects: 5, updatesPerProject: 9, keys: 2 };
const NAMESPACES_PER_ORG = 5;
const ROLLUP_TYPES = USAGE_ACTION_TYPES.slice(0, 2);
const MONTH = '?period_start=2026-05-01&period_end=2026-05-31';

interface Latency { readonly p50: number; readonly p99: number }

async function sequential(samples: number, work: (i: number) => Promise<void>): Promise<Latency> {
  const timings: number[] = [];
  for (let i = -Math.min(20, samples); i < samples; i++) {
    const started = process.hrtime.bigint();
    await work(i);
    if (i >= 0) timings.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  timings.sort((a, b) => a - b);
  return { p50: percentile(timings, 50), p99: percentile(timings, 99) };
}

/**
 * The indexed paths at 1× and at 10× data, in one run on one database: first ORGS organizations
 * (each with its owner, 2 API keys, 5 projects and their updates: the events commands append,
 * through the event-store port, projected by the control plane in its own process; plus a month of
 * usage rollups over 5 namespaces, inserted directly as the billing benchmark does), measured; then
 * nine times as many more, measured again. Each path is timed from one organization made through the
 * API (its data the same at both sizes), sequential requests, p50 and p99: the 1× figure is the
 * baseline of the 10× one, and an indexed path should stay flat (goal: 10× within 1.5× of 1×).
 */
export async function runGrowthBench(): Promise<void> {
  const base = size('BENCH_GROWTH_ORGS', 500, 3);
  const samples = size('BENCH_GROWTH_SAMPLES', 300, 5);
  const db = await openBenchDatabase(8);
  await createEventStoreSchema(db.db);
  const server = await startControlPlaneProcess(db.url, await freePort(), { DWC_PROBE_INTERVAL_MS: '0' });
  const platform = await openPlatform({ storage: db, embeddedProjector: false });
  const lastUsed = new LastUsedRecorder(platform);
  const store = new PostgresEventStore(db.db);
  const run = `growth-${randomUUID().slice(0, 6)}`;
  try {
    const measured = await createBenchOrganization(server, run);
    const headers = { authorization: `Bearer ${measured.token}`, 'content-type': 'application/json' };
    for (let p = 0; p < SHAPE.projects; p++) {
      const created = await fetch(`${server.baseUrl}/api/v1/projects`, { method: 'POST', headers, body: JSON.stringify({ name: `seed-${p}` }) });
      if (created.status !== 201) throw new Error(`POST /api/v1/projects: ${created.status}`);
    }
    await seedRollups(db.db, [measured.id]);
    const authenticator = new ApiKeyAuthenticator(platform, lastUsed, { consistencyWaitMs: 5000 });

    let organizations = 0;
    let events = 0;
    let post = 0;
    const measure = async () => {
      const check = async (path: string) => {
        const response = await fetch(`${server.baseUrl}${path}`, { headers });
        const body = await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${Buffer.from(body).toString()}`);
      };
      return {
        'authorized GET /api/v1/projects?limit=10': await sequential(samples, () => check('/api/v1/projects?limit=10')),
        'POST /api/v1/projects (command, read-your-write)': await sequential(samples, async () => {
          const response = await fetch(`${server.baseUrl}/api/v1/projects`, { method: 'POST', headers, body: JSON.stringify({ name: `g-${post++}` }) });
          await response.arrayBuffer();
          if (response.status !== 201) throw new Error(`POST /api/v1/projects: ${response.status}`);
        }),
        'ApiKeyAuthenticator.authenticate (in process)': await sequential(samples, async () => {
          if (!(await authenticator.authenticate(measured.token)).ok) throw new Error('the measured key does not authenticate');
        }),
        'GET /api/v1/billing/usage, one month': await sequential(Math.max(1, Math.round(samples / 5)), () => check(`/api/v1/billing/usage${MONTH}`)),
        'GET /api/v1/api-keys': await sequential(samples, () => check('/api/v1/api-keys')),
      };
    };
    const grow = async (to: number) => {
      const seeded = await seedOrganizations(store, run, organizations, to, SHAPE, 8);
      await seedRollups(db.db, seeded.organizationIds);
      organizations = to;
      events += seeded.events;
      await waitUntilProjected(db.db, 3_600_000);
      // What autovacuum does soon after a bulk load: planner statistics of the grown tables.
      await sql`analyze`.execute(db.db);
    };

    let started = process.hrtime.bigint();
    await grow(base);
    const oneX = { organizations, events, seconds: Number(process.hrtime.bigint() - started) / 1e9, figures: await measure() };
    started = process.hrtime.bigint();
    await grow(base * 10);
    const tenX = { organizations, events, seconds: Number(process.hrtime.bigint() - started) / 1e9, figures: await measure() };

    const size1 = `${fmt(oneX.organizations)} orgs, ${fmt(oneX.events)} events`;
    const size10 = `${fmt(tenX.organizations)} orgs, ${fmt(tenX.events)} events`;
    const rows: string[][] = [['path (one organization, sequential)', `p50 ms at 1×`, `p50 ms at 10×`, 'p50 10×/1×', 'p99 ms at 1×', 'p99 ms at 10×']];
    for (const [path, one] of Object.entries(oneX.figures)) {
      const ten = tenX.figures[path as keyof typeof tenX.figures];
      rows.push([path, one.p50.toFixed(2), ten.p50.toFixed(2), `${(ten.p50 / one.p50).toFixed(2)}×`, one.p99.toFixed(2), ten.p99.toFixed(2)]);
      results.record({
        figure: `${path}, p50 at 10× data (${size10})`, value: ten.p50, unit: 'ms',
        baseline: { figure: `the same at 1× (${size1})`, value: one.p50 }, goal: { on: 'ratio', op: '<=', target: 1.5 },
      });
      results.record({ figure: `${path}, p99 at 10× data`, value: ten.p99, unit: 'ms', baseline: { figure: 'the same at 1×', value: one.p99 } });
    }
    printTable(`Growth: 1× = ${size1}, ${fmt(oneX.organizations * SHAPE.keys)} keys, ${fmt(oneX.organizations * NAMESPACES_PER_ORG)} namespaces (seeded and projected in `
      + `${oneX.seconds.toFixed(1)} s); 10× = ${size10} (${tenX.seconds.toFixed(1)} s more); ${fmt(samples)} requests per figure`, rows);
    process.stdout.write(`(${eventsPerOrganization(SHAPE)} events per seeded organization; control plane in its own process on PostgreSQL)\n`);
  } finally {
    await lastUsed.onModuleDestroy();
    await store.close();
    await platform.close();
    await server.stop();
    await db.close();
  }
}

/** A month (May 2026) of daily rollups for each organization: NAMESPACES_PER_ORG namespaces × 2 action types. */
async function seedRollups(db: AnyDb, organizationIds: readonly string[]) {
  if (organizationIds.length === 0) return;
  const types = sql.join(ROLLUP_TYPES.map((t) => sql`${t}`));
  const ids = sql.join(organizationIds.map((id) => sql`${id}`));
  await sql`
    insert into usage_rollups (organization_id, day, namespace, project, environment, action_type, quantity)
    select o, d::date, 'ns-' || n, 'project-' || (n % 2), 'prod', a, (n * 7 + extract(day from d)::int)::bigint
    from unnest(array[${ids}]::text[]) o
    cross join generate_series('2026-05-01'::date, '2026-05-31'::date, interval '1 day') d
    cross join generate_series(0, ${NAMESPACES_PER_ORG - 1}) n
    cross join unnest(array[${types}]::text[]) a`.execute(db);
  await seedMonthlyFromDaily(db, organizationIds);
}

if (require.main === module) {
  runGrowthBench().then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`growth benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
