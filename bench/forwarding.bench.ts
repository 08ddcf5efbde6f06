import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openBenchDatabase } from './support/bench-database';
import { startControlPlaneProcess } from './support/control-plane-process';
import { freePort } from './support/control-plane-process';
import { httpSeconds, size } from './support/options';
import { fmt, printTable, ratio } from './support/report';
import { results } from './support/results';

const durationS = () => size('BENCH_FORWARD_SECONDS', Math.min(8, httpSeconds()), 1);
const ADMIN_TOKEN = 'bench-runtime-admin-token-0123456789';

interface SimProcess { readonly baseUrl: string; readonly adminUrl: string; stop(): Promise<void> }

/** The runtime simulator in its own process, like a real target (built: dist/apps/runtime-sim). */
async function startSimulatorProcess(port: number, adminPort: number): Promise<SimProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, '../apps/runtime-sim/src/main.js'), '--port', String(port), '--admin-port', String(adminPort), '--server-id', 'bench-sim'], {
    env: { ...process.env, DW_ADMIN_TOKEN: ADMIN_TOKEN, DW_OPERATOR_TOKEN: `${ADMIN_TOKEN}-op`, DW_WORKER_TOKEN: `${ADMIN_TOKEN}-wk` },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('runtime simulator did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl, adminUrl: `http://127.0.0.1:${adminPort}`,
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

const post = async (url: string, token: string, body: unknown, method = 'POST') => {
  const response = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json() as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${method} ${url} → ${response.status} ${JSON.stringify(json)}`);
  return json;
};

interface Run { readonly rate: number; readonly mean: number; readonly p50: number; readonly p99: number; readonly non2xx: number }

const summary = (result: autocannon.Result): Run =>
  ({ rate: result.requests.average, mean: result.latency.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx });

async function load(url: string, headers: Record<string, string>, connections: number, prefix: string): Promise<Run> {
  let n = 0;
  return summary(await autocannon({
    url, method: 'POST', connections, duration: durationS(), headers: { ...headers, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify({ workflow_type: 'bench.order', workflow_id: `${prefix}-${n++}`, input: [{ sku: 'A-1', qty: 2 }] }) }) }],
  }));
}

const get = async (url: string, headers: Record<string, string>, connections: number): Promise<Run> =>
  summary(await autocannon({ url, connections, duration: durationS(), headers }));

/**
 * Forwarding a workflow start through Cloud (API-key guard, capability check, placement lookup,
 * credential, forward, command-facts append) against calling the runtime directly, in one run:
 * the simulator and the control plane each in their own process on the local PostgreSQL, load from
 * this process. The ratio is Cloud's cost over the raw runtime call.
 */
export async function runForwardingBench(): Promise<void> {
  const db = await openBenchDatabase(4);
  const sim = await startSimulatorProcess(await freePort(), await freePort());
  const server = await startControlPlaneProcess(db.url, await freePort(), {
    DWC_CREDENTIAL_KEY: randomBytes(32).toString('base64'), DWC_PROBE_INTERVAL_MS: '0',
  });
  try {
    const operator = server.operatorToken;
    const org = await post(`${server.baseUrl}/api/v1/operator/organizations`, operator, { name: 'bench', owner_email: 'owner@bench.test' }) as { api_key: { token: string } };
    const key = org.api_key.token;
    const target = await post(`${server.baseUrl}/api/v1/runtime-targets`, key, {
      name: 'bench sim', base_url: sim.baseUrl, region: 'local-1', provider: 'sim', credential: ADMIN_TOKEN,
    }) as { id: string };
    await post(`${server.baseUrl}/api/v1/projects`, key, { name: 'bench' });
    await post(`${server.baseUrl}/api/v1/projects/bench/environments`, key, { name: 'prod' });
    const namespace = await post(`${server.baseUrl}/api/v1/projects/bench/environments/prod/namespaces`, key, { name: 'orders', runtime_target_id: target.id }) as { runtime_namespace: string };

    const direct = { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-namespace': namespace.runtime_namespace, 'x-durable-workflow-control-plane-version': '2' };
    const cloud = { authorization: `Bearer ${key}` };
    const rows: string[][] = [['path', 'conns', 'req/s', 'mean ms', 'p50 ms', 'p99 ms', 'non-2xx', 'req/s ratio', 'latency ratio (mean)', 'added p50 ms', 'added p99 ms']];
    for (const connections of [1, 16]) {
      await fetch(`${sim.adminUrl}/__sim/requests`, { method: 'DELETE' });
      const raw = await load(`${sim.baseUrl}/api/workflows`, direct, connections, `direct-c${connections}`);
      await fetch(`${sim.adminUrl}/__sim/requests`, { method: 'DELETE' });
      const through = await load(`${server.baseUrl}/api/v1/namespaces/orders/runtime/workflows`, cloud, connections, `cloud-c${connections}`);
      rows.push(['POST /api/workflows on the runtime (direct)', String(connections), fmt(raw.rate), raw.mean.toFixed(2), String(raw.p50), String(raw.p99),
        String(raw.non2xx), '1.00×', '1.00×', '', '']);
      rows.push(['POST …/runtime/workflows through Cloud', String(connections), fmt(through.rate), through.mean.toFixed(2), String(through.p50), String(through.p99),
        String(through.non2xx), ratio(through.rate, raw.rate), ratio(through.mean, raw.mean), String(through.p50 - raw.p50), String(through.p99 - raw.p99)]);
      if (through.non2xx > 0 || raw.non2xx > 0) throw new Error(`workflow starts answered non-2xx: ${through.non2xx} through Cloud, ${raw.non2xx} direct`);
      const conns = `${connections} connection${connections > 1 ? 's' : ''}`;
      results.record({
        figure: `workflow start through Cloud, ${conns}`, value: through.rate, unit: 'req/s',
        baseline: { figure: `the runtime directly, ${conns}`, value: raw.rate }, goal: connections === 16 ? { on: 'ratio', op: '>=', target: 0.2 } : undefined,
      });
      results.record({
        figure: `workflow start through Cloud, ${conns}, p50`, value: through.p50, unit: 'ms',
        baseline: { figure: `the runtime directly p50, ${conns}`, value: raw.p50 }, goal: connections === 16 ? { on: 'difference', op: '<=', target: 10 } : undefined,
      });
    }
    // Where Cloud's time goes, at 16 connections: an authenticated read (no append), and a refused forward (checks + facts append, no runtime call).
    const read = await get(`${server.baseUrl}/api/v1/namespaces/orders`, cloud, 16);
    rows.push(['GET /api/v1/namespaces/orders (auth + read, no append)', '16', fmt(read.rate), read.mean.toFixed(2), String(read.p50), String(read.p99), String(read.non2xx), '', '', '', '']);
    const refused = await get(`${server.baseUrl}/api/v1/namespaces/orders/runtime/namespaces`, cloud, 16);
    rows.push(['GET …/runtime/namespaces (refused 403: checks + facts append)', '16', fmt(refused.rate), refused.mean.toFixed(2), String(refused.p50), String(refused.p99), String(refused.non2xx), '', '', '', '']);
    printTable(`Workflow start forwarded through Cloud vs the runtime directly (${durationS()} s per row; simulator and control plane in their own processes, PostgreSQL)`, rows);
    const facts = await fetch(`${server.baseUrl}/api/v1/namespaces/orders/runtime-commands?limit=1`, { headers: cloud }).then((r) => r.json()) as { runtime_commands: unknown[] };
    process.stdout.write(`command facts recorded (latest): ${JSON.stringify(facts.runtime_commands[0] ?? null)}\n`);
  } finally {
    await server.stop();
    await sim.stop();
    await db.close();
  }
}

if (require.main === module) {
  runForwardingBench().catch((error) => {
    process.stderr.write(`forwarding benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
