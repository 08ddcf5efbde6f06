import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { sql } from 'kysely';
import { PlacementLookup, NamespacePlacement } from '../apps/control-plane/src/billing/placement-lookup';
import { UsageIngestion } from '../apps/control-plane/src/billing/usage-ingestion';
import { createControlPlaneApp } from '../apps/control-plane/src/create-app';
import { openPlatform, Platform } from '../apps/control-plane/src/platform/platform';
import { PostgresEventStore } from '../libs/event-store/src';
import { openStorage } from '../libs/read-model/src/storage';
import { USAGE_ACTION_TYPES } from '../libs/domain/usage';
import { openBenchDatabase } from './support/bench-database';
import { size } from './support/options';
import { fmt, percentile, printTable, ratio } from './support/report';
import { seedMonthlyFromDaily } from './support/monthly-rollups';
import { results } from './support/results';

const namespaces = () => size('BENCH_BILLING_NAMESPACES', 1_000, 20);
const YEAR = { first: '2025-06-01', last: '2026-05-31' };
const MONTH = '?period_start=2026-05-01&period_end=2026-05-31';
const samples = () => size('BENCH_BILLING_SAMPLES', 40, 3);
const ingestBatches = () => size('BENCH_BILLING_BATCHES', 40, 2);
/** One batch: an hour of 100 namespaces × 5 action types, as a runtime target would report it. */
const namespacesPerBatch = () => Math.min(100, namespaces());
const TYPES_PER_BATCH = USAGE_ACTION_TYPES.slice(0, 5);
const OPERATOR_TOKEN = 'bench-operator-token-0123456789abcdefghijklmnopq';

const namespaceName = (n: number) => `ns-${String(n).padStart(4, '0')}`;
const placementOf = (organizationId: string, n: number): NamespacePlacement => ({
  organization_id: organizationId, namespace: namespaceName(n), project: `project-${n % 10}`, environment: n % 2 === 0 ? 'prod' : 'staging',
});

/**
 * Billing at the scale of one large organization on the local PostgreSQL server: 1,000 namespaces with a year
 * of daily rollups (2.6 M rows, seeded directly). Measures, in one run: p50/p95 of a one-month usage document
 * and of its CSV export through HTTP (in-process app, sequential requests), and ingestion throughput through
 * `UsageIngestion` (validation, dedupe check, placement, one append per namespace-day stream, then the rollup
 * projector), with the projector embedded and as a separate process, against a raw multi-row INSERT of the same
 * records into the same database.
 */
export async function runBillingBench(): Promise<void> {
  const db = await openBenchDatabase(16);
  let platform: Platform | undefined;
  let app: NestFastifyApplication | undefined;
  try {
    platform = await openPlatform({ storage: db, embeddedProjector: true });
    app = await createControlPlaneApp(platform, {
      host: '127.0.0.1', port: 0, dataDir: '/nonexistent', operatorToken: OPERATOR_TOKEN, operatorTokenGenerated: false,
      logLevel: 'warn', embeddedProjector: true, consistencyWaitMs: 5000, bodyLimitBytes: 1024 * 1024,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const created = await fetch(`${baseUrl}/api/v1/operator/organizations`, {
      method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench-billing', owner_email: 'finance@bench.test' }),
    }).then((r) => r.json()) as { organization: { id: string }; api_key: { token: string } };
    const organizationId = created.organization.id;

    const seeded = await seedYearOfRollups(platform, organizationId);
    const reads = await measureReads(baseUrl, created.api_key.token);
    const raw = await measureRawMonth(platform, organizationId);
    const plan = await explainMonth(platform, organizationId);
    printTable(`Billing reads: one organization, ${fmt(namespaces())} namespaces, ${fmt(seeded.rows)} daily rollup rows (seeded in ${seeded.seconds.toFixed(1)} s); ${samples()} sequential requests each`, [
      ['query (May 2026)', 'p50 ms', 'p95 ms', 'bytes'],
      ...reads.map((r) => [r.label, r.p50.toFixed(1), r.p95.toFixed(1), fmt(r.bytes)]),
      ['raw rollup query (baseline: the same SQL from this process, no HTTP)', raw.p50.toFixed(1), raw.p95.toFixed(1), ''],
    ]);
    for (const r of reads) {
      results.record({
        figure: `one-month ${r.label}, ${fmt(namespaces())} namespaces, p95`, value: r.p95, unit: 'ms',
        baseline: { figure: 'raw one-month rollup query p95', value: raw.p95 }, goal: { on: 'value', op: '<', target: 50 },
      });
    }
    process.stdout.write(`plan of the one-month rollup query: ${plan}\n`);

    const ingestion = await measureIngestion(app, platform, db.url, organizationId);
    const row = (label: string, value: number) => [label, fmt(value), ratio(value, ingestion.raw)];
    printTable(`Usage ingestion: ${fmt(ingestion.records)} records in batches of ${namespacesPerBatch() * TYPES_PER_BATCH.length} (${namespacesPerBatch()} namespaces × ${TYPES_PER_BATCH.length} action types, one hour; one append per namespace-day stream)`, [
      ['path', 'records/s', 'vs raw INSERT'],
      ['raw multi-row INSERT (1,000 rows/statement), same rows, same database', fmt(ingestion.raw), '1.00×'],
      row('UsageIngestion, projector embedded (woken by every append), 1 target', ingestion.embedded.oneTarget),
      row('UsageIngestion, projector embedded, 4 targets at once', ingestion.embedded.fourTargets),
      row('  … until the rollups hold them (end to end)', ingestion.embedded.projected),
      row('UsageIngestion, projector in another process (polling), 1 target', ingestion.detached.oneTarget),
      row('UsageIngestion, projector in another process, 4 targets at once', ingestion.detached.fourTargets),
      row('  … until the rollups hold them (end to end)', ingestion.detached.projected),
      row('re-sending batches already recorded (nothing appended)', ingestion.resent),
    ]);
    const baseline = { figure: 'raw multi-row INSERT of the same records', value: ingestion.raw, unit: 'rows/s' };
    const goal = { on: 'ratio', op: '>=', target: 0.5 } as const;
    for (const [figure, value, withGoal] of [
      ['usage ingestion, projector embedded, 1 target', ingestion.embedded.oneTarget, true],
      ['usage ingestion, projector embedded, 4 targets', ingestion.embedded.fourTargets, true],
      ['usage ingestion, projector embedded, 4 targets, until the rollups hold them', ingestion.embedded.projected, false],
      ['usage ingestion, projector in another process, 1 target', ingestion.detached.oneTarget, true],
      ['usage ingestion, projector in another process, 4 targets', ingestion.detached.fourTargets, true],
      ['usage ingestion, projector in another process, 4 targets, until the rollups hold them', ingestion.detached.projected, false],
      ['usage ingestion, re-sent batches (nothing appended)', ingestion.resent, false],
    ] as const) results.record({ figure, value, unit: 'records/s', baseline, goal: withGoal ? goal : undefined });
  } finally {
    await app?.close();
    await platform?.close();
    await db.close();
  }
}

async function seedYearOfRollups(platform: Platform, organizationId: string): Promise<{ rows: number; seconds: number }> {
  const started = process.hrtime.bigint();
  const types = sql.join([...USAGE_ACTION_TYPES].map((t) => sql`${t}`));
  // One statement per 100 namespaces: a loaded server must not hit the storage's statement timeout.
  for (let from = 0; from < namespaces(); from += 100) await sql`
    insert into usage_rollups (organization_id, day, namespace, project, environment, action_type, quantity)
    select ${organizationId}, d::date, 'ns-' || lpad(n::text, 4, '0'), 'project-' || (n % 10), case when n % 2 = 0 then 'prod' else 'staging' end,
           a, ((n * 7919 + extract(doy from d)::int * 104729 + length(a)) % 5000)::bigint
    from generate_series(${YEAR.first}::date, ${YEAR.last}::date, interval '1 day') d
    cross join generate_series(${from}::int, ${Math.min(namespaces(), from + 100) - 1}::int) n
    cross join unnest(array[${types}]::text[]) a`.execute(platform.storage.db);
  await seedMonthlyFromDaily(platform.storage.db, [organizationId]);
  // What autovacuum does to settled days: statistics, and the visibility map that lets reads skip the table.
  await sql`vacuum analyze usage_rollups`.execute(platform.storage.db);
  await sql`vacuum analyze usage_rollups_monthly`.execute(platform.storage.db);
  const rows = await sql<{ n: bigint }>`select count(*) as n from usage_rollups`.execute(platform.storage.db);
  return { rows: Number(rows.rows[0].n), seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

interface ReadFigures { readonly label: string; readonly p50: number; readonly p95: number; readonly bytes: number }

async function measureReads(baseUrl: string, token: string): Promise<ReadFigures[]> {
  const rows: ReadFigures[] = [];
  for (const [label, path] of [['GET /api/v1/billing/usage (JSON document)', '/api/v1/billing/usage'], ['GET /api/v1/billing/usage/export (CSV)', '/api/v1/billing/usage/export']]) {
    const timings: number[] = [];
    let bytes = 0;
    for (let i = -3; i < samples(); i++) {
      const started = process.hrtime.bigint();
      const response = await fetch(`${baseUrl}${path}${MONTH}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body}`);
      if (i >= 0) timings.push(Number(process.hrtime.bigint() - started) / 1e6);
      bytes = body.length;
    }
    timings.sort((a, b) => a - b);
    rows.push({ label, p50: percentile(timings, 50), p95: percentile(timings, 95), bytes });
  }
  return rows;
}

/** The baseline: the month's rollup aggregate itself, straight from this process (no HTTP, no document). */
async function measureRawMonth(platform: Platform, organizationId: string): Promise<{ p50: number; p95: number }> {
  const timings: number[] = [];
  for (let i = -3; i < samples(); i++) {
    const started = process.hrtime.bigint();
    await sql`select namespace, project, environment, action_type, sum(quantity) from usage_rollups
      where organization_id = ${organizationId} and day >= '2026-05-01'::date and day <= '2026-05-31'::date
      group by namespace, project, environment, action_type`.execute(platform.storage.db);
    if (i >= 0) timings.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  timings.sort((a, b) => a - b);
  return { p50: percentile(timings, 50), p95: percentile(timings, 95) };
}

async function explainMonth(platform: Platform, organizationId: string): Promise<string> {
  const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers off) select namespace, project, environment, action_type, sum(quantity)
    from usage_rollups where organization_id = ${organizationId} and day >= '2026-05-01'::date and day <= '2026-05-31'::date
    group by namespace, project, environment, action_type`.execute(platform.storage.db);
  const lines = plan.rows.map((r) => r['QUERY PLAN'].trim());
  const scan = lines.find((line) => /Scan/.test(line)) ?? lines[0];
  const time = lines.find((line) => line.startsWith('Execution Time')) ?? '';
  return `${scan.replace(/\s*\(cost=[^)]*\)/, '')}; ${time}`;
}

/** Batch `b` of target `t`: one hour (distinct per batch) of 100 namespaces × 5 action types. */
function batchOf(target: number, b: number): Record<string, unknown>[] {
  const hour = new Date(Date.UTC(2026, 5, 1) + (target * 1_000 + b) * 3_600_000);
  const start = hour.toISOString();
  const end = new Date(hour.getTime() + 3_600_000).toISOString();
  const records: Record<string, unknown>[] = [];
  for (let k = 0; k < namespacesPerBatch(); k++) {
    const n = (b * namespacesPerBatch() + k) % namespaces();
    for (const action_type of TYPES_PER_BATCH) {
      records.push({ record_id: `t${target}-b${b}-${n}-${action_type}`, namespace: namespaceName(n), action_type, quantity: 1 + (n % 50), window_start: start, window_end: end });
    }
  }
  return records;
}

interface IngestionFigures {
  readonly oneTarget: number;
  readonly fourTargets: number;
  /** Four targets, until the rollup projection holds their records. */
  readonly projected: number;
}

async function measureIngestion(app: NestFastifyApplication, platform: Platform, databaseUrl: string, organizationId: string) {
  const db = platform.storage.db;
  const now = new Date(Date.UTC(2030, 0, 1));
  // Placement as a cached lookup (the placement read model would be cached per target the same way).
  const placements = new Map(Array.from({ length: namespaces() }, (_, n) => [namespaceName(n), placementOf(organizationId, n)]));
  const placement: PlacementLookup = async (_target, name) => placements.get(name) ?? null;
  const perBatch = namespacesPerBatch() * TYPES_PER_BATCH.length;
  const rate = (records: number, started: bigint) => records / (Number(process.hrtime.bigint() - started) / 1e9);
  const ingestAll = async (ingestion: UsageIngestion, target: number) => {
    for (let b = 0; b < ingestBatches(); b++) {
      const results = await ingestion.ingest(`rt_bench_${target}`, batchOf(target, b), now, placement);
      if (results.some((r) => r.status !== 'accepted')) throw new Error(`batch ${b} of target ${target} not accepted`);
    }
  };
  const measure = async (ingestion: UsageIngestion, firstTarget: number): Promise<IngestionFigures> => {
    let started = process.hrtime.bigint();
    await ingestAll(ingestion, firstTarget);
    const oneTarget = rate(ingestBatches() * perBatch, started);
    started = process.hrtime.bigint();
    await Promise.all([1, 2, 3, 4].map((t) => ingestAll(ingestion, firstTarget + t)));
    const fourTargets = rate(4 * ingestBatches() * perBatch, started);
    if (!(await platform.runner.waitFor(await lastAppended(platform), 600_000))) throw new Error('projections did not catch up');
    return { oneTarget, fourTargets, projected: rate(4 * ingestBatches() * perBatch, started) };
  };

  // Raw baseline: the same records as plain rows, 1,000 per INSERT.
  await sql`create table usage_records_raw (record_id text primary key, organization_id text not null, namespace text not null,
    project text not null, environment text not null, runtime_target_id text not null, action_type text not null,
    quantity bigint not null, window_start timestamptz not null, window_end timestamptz not null)`.execute(db);
  const started = process.hrtime.bigint();
  const rawRows = Array.from({ length: ingestBatches() }, (_, b) => batchOf(0, b)).flat().map((r) => {
    const place = placements.get(r.namespace as string) as NamespacePlacement;
    return sql`(${r.record_id}, ${organizationId}, ${place.namespace}, ${place.project}, ${place.environment}, 'rt_raw', ${r.action_type},
      ${r.quantity}, ${r.window_start}::timestamptz, ${r.window_end}::timestamptz)`;
  });
  for (let i = 0; i < rawRows.length; i += 1000) {
    await sql`insert into usage_records_raw values ${sql.join(rawRows.slice(i, i + 1000))}`.execute(db);
  }
  const raw = rate(rawRows.length, started);

  // As deployed embedded: the projector shares the event store instance and wakes on every append.
  const embedded = await measure(app.get(UsageIngestion), 0);
  // As with apps/projector in its own process: another store instance appends, the projector finds the events by polling.
  const separateStorage = await openStorage({ databaseUrl, poolSize: 16 });
  const separate = new PostgresEventStore(separateStorage.db);
  let detached: IngestionFigures;
  try {
    detached = await measure(new UsageIngestion({ ...platform, storage: separateStorage, store: separate }), 5);
  } finally {
    await separate.close();
    await separateStorage.close();
  }
  const resentStart = process.hrtime.bigint();
  await ingestAll(app.get(UsageIngestion), 0);
  const resent = rate(ingestBatches() * perBatch, resentStart);

  return { records: 10 * ingestBatches() * perBatch, raw, embedded, detached, resent };
}

/** Position of the last event appended (not the visible head, which lags while any transaction of the server runs). */
async function lastAppended(platform: Platform) {
  const last = await sql<{ transaction_id: bigint; global_position: bigint }>`
    select transaction_id, global_position from es_events order by transaction_id desc, global_position desc limit 1`.execute(platform.storage.db);
  return { commit: BigInt(last.rows[0].transaction_id), prepare: BigInt(last.rows[0].global_position) };
}

if (require.main === module) {
  runBillingBench().then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`billing benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
