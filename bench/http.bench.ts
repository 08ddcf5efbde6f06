import autocannon from 'autocannon';
import { openBenchDatabase } from './support/bench-database';
import { startControlPlaneProcess } from './support/control-plane-process';
import { fmt, printTable } from './support/report';

const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 10);

/**
 * HTTP commands through the whole stack (guard, validation, command handler, event store append,
 * projection wait for read-your-writes, read back): POST /api/v1/projects with a fresh name per
 * request, from this process against the control plane in its own process.
 */
export async function runHttpBench(): Promise<void> {
  const db = await openBenchDatabase(4);
  const server = await startControlPlaneProcess(db.url, 18000 + Math.floor(Math.random() * 1000));
  try {
    const created = await fetch(`${server.baseUrl}/api/v1/operator/organizations`, {
      method: 'POST', headers: { authorization: `Bearer ${server.operatorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', owner_email: 'owner@bench.test' }),
    }).then((r) => r.json()) as { api_key: { token: string } };
    const headers = { authorization: `Bearer ${created.api_key.token}`, 'content-type': 'application/json' };
    const rows: string[][] = [['route', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx']];
    for (const connections of [1, 16]) {
      let n = 0;
      const result = await autocannon({
        url: `${server.baseUrl}/api/v1/projects`, method: 'POST', connections, duration: DURATION_S, headers,
        requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify({ name: `c${connections}-p${n++}` }) }) }],
      });
      rows.push(['POST /api/v1/projects', String(connections), fmt(result.requests.average), String(result.latency.p50), String(result.latency.p99), String(result.non2xx)]);
    }
    const reads = await autocannon({ url: `${server.baseUrl}/api/v1/projects?limit=10`, connections: 16, duration: DURATION_S, headers });
    rows.push(['GET /api/v1/projects?limit=10', '16', fmt(reads.requests.average), String(reads.latency.p50), String(reads.latency.p99), String(reads.non2xx)]);
    const live = await autocannon({ url: `${server.baseUrl}/health/live`, connections: 16, duration: DURATION_S });
    rows.push(['GET /health/live (baseline: no guard, no storage)', '16', fmt(live.requests.average), String(live.latency.p50), String(live.latency.p99), String(live.non2xx)]);
    printTable(`HTTP through the control plane on PostgreSQL (${DURATION_S} s per row, load from a separate process)`, rows);
  } finally {
    await server.stop();
    await db.close();
  }
}

if (require.main === module) void runHttpBench();
