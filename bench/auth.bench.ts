import autocannon from 'autocannon';
import { sql } from 'kysely';
import { parseApiKeyToken } from '../libs/auth/src/api-key-token';
import { ApiKeyAuthenticator } from '../apps/control-plane/src/auth/api-key-authenticator';
import { LastUsedRecorder } from '../apps/control-plane/src/auth/last-used-recorder';
import { openPlatform } from '../apps/control-plane/src/platform/platform';
import { openBenchDatabase } from './support/bench-database';
import { startControlPlaneProcess } from './support/control-plane-process';
import { httpSeconds, size } from './support/options';
import { fmt, percentile, printTable, ratio } from './support/report';
import { results } from './support/results';

const CONNECTIONS = 16;

interface LoopResult { readonly rate: number; readonly p50: number; readonly p99: number }

/** `total` calls of `work` on `concurrency` workers: calls/s and per-call latency percentiles (ms). */
async function timedLoop(total: number, concurrency: number, work: () => Promise<unknown>): Promise<LoopResult> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < total) {
      const t0 = process.hrtime.bigint();
      await work();
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return { rate: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const ms = (value: number) => value.toFixed(2);

/**
 * What authentication and authorization cost. Over HTTP, from this process against the control plane
 * in its own process (PostgreSQL): `GET /health/live` (public: no guard, no storage) against an
 * authorized `GET /api/v1/projects` (guard: token parse + SHA-256 + one indexed lookup; authorizer:
 * the principal's bindings; then the page query). Then the guard alone, in process:
 * `ApiKeyAuthenticator.authenticate` in a loop, against the raw lookup it is built on (the same
 * credential row by primary key, no hashing, no joins).
 */
export async function runAuthBench(): Promise<void> {
  const DURATION_S = httpSeconds();
  const GUARD_CALLS = size('BENCH_AUTH_CALLS', 20_000, 200);
  const db = await openBenchDatabase(8);
  const server = await startControlPlaneProcess(db.url, 19000 + Math.floor(Math.random() * 1000));
  const platform = await openPlatform({ storage: db, embeddedProjector: false });
  const lastUsed = new LastUsedRecorder(platform);
  try {
    const created = await fetch(`${server.baseUrl}/api/v1/operator/organizations`, {
      method: 'POST', headers: { authorization: `Bearer ${server.operatorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'auth-bench', owner_email: 'owner@auth-bench.test' }),
    }).then((r) => r.json()) as { api_key: { token: string } };
    const token = created.api_key.token;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await fetch(`${server.baseUrl}/api/v1/projects`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench' }) });

    const live = await autocannon({ url: `${server.baseUrl}/health/live`, connections: CONNECTIONS, duration: DURATION_S });
    const authorized = await autocannon({ url: `${server.baseUrl}/api/v1/projects`, connections: CONNECTIONS, duration: DURATION_S, headers });
    const refused = await autocannon({ url: `${server.baseUrl}/api/v1/me`, connections: 1, amount: 10, headers: { authorization: 'Bearer dwc_bad' } });
    printTable(`Authorized vs public HTTP GET on PostgreSQL (${DURATION_S} s per row, ${CONNECTIONS} connections, load from a separate process)`, [
      ['route', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx'],
      ['GET /health/live (baseline: public, no guard, no storage)', fmt(live.requests.average), String(live.latency.p50), String(live.latency.p99), String(live.non2xx)],
      ['GET /api/v1/projects (API key guard + authorizer + page query)', fmt(authorized.requests.average), String(authorized.latency.p50),
        String(authorized.latency.p99), String(authorized.non2xx)],
      ['authorized / baseline', ratio(authorized.requests.average, live.requests.average),
        `+${authorized.latency.p50 - live.latency.p50}`, `+${authorized.latency.p99 - live.latency.p99}`, ''],
    ]);
    if (refused.non2xx !== 10) throw new Error('a malformed token was not refused');
    if (authorized.non2xx > 0) throw new Error(`the authorized GET answered ${authorized.non2xx} non-2xx responses`);
    results.record({
      figure: 'authorized GET /api/v1/projects, 16 connections', value: authorized.requests.average, unit: 'req/s',
      baseline: { figure: 'GET /health/live, 16 connections', value: live.requests.average }, goal: { on: 'ratio', op: '>=', target: 0.4 },
    });

    const authenticator = new ApiKeyAuthenticator(platform, lastUsed, { consistencyWaitMs: 5000 });
    const check = await authenticator.authenticate(token);
    if (!check.ok) throw new Error(`the bench token does not authenticate: ${check.reason}`);
    const prefix = parseApiKeyToken(token)!.prefix;
    const rows: string[][] = [['guard alone (in process)', 'concurrency', 'calls/s', 'p50 ms', 'p99 ms', 'guard / raw']];
    for (const concurrency of [1, CONNECTIONS]) {
      const raw = await timedLoop(GUARD_CALLS, concurrency, () =>
        sql`select secret_hash from api_key_credentials where token_prefix = ${prefix}`.execute(db.db));
      const guard = await timedLoop(GUARD_CALLS, concurrency, () => authenticator.authenticate(token));
      rows.push(['raw credential lookup (baseline)', String(concurrency), fmt(raw.rate), ms(raw.p50), ms(raw.p99), '']);
      rows.push(['ApiKeyAuthenticator.authenticate', String(concurrency), fmt(guard.rate), ms(guard.p50), ms(guard.p99), ratio(guard.rate, raw.rate)]);
      results.record({
        figure: `ApiKeyAuthenticator.authenticate, ${concurrency} concurrent`, value: guard.rate, unit: 'calls/s',
        baseline: { figure: 'raw credential lookup by prefix', value: raw.rate }, goal: concurrency === CONNECTIONS ? { on: 'ratio', op: '>=', target: 0.5 } : undefined,
      });
    }
    printTable(`API key authentication: parse, SHA-256, one indexed join, expiry/rotation/membership checks (${fmt(GUARD_CALLS)} calls per row)`, rows);
  } finally {
    await lastUsed.onModuleDestroy();
    await platform.close();
    await server.stop();
    await db.close();
  }
}

if (require.main === module) {
  runAuthBench().catch((error) => {
    process.stderr.write(`auth benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
