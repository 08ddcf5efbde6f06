import autocannon from 'autocannon';
import { ControlPlaneProcess } from './control-plane-process';
import { fmt, printTable } from './report';
import { BenchResult, results } from './results';

/** An organization made through the operator API; its owner key authorizes everything in it. */
export async function createBenchOrganization(server: ControlPlaneProcess, name: string): Promise<{ id: string; token: string }> {
  const response = await fetch(`${server.baseUrl}/api/v1/operator/organizations`, {
    method: 'POST', headers: { authorization: `Bearer ${server.operatorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, owner_email: `owner@${name}.test` }),
  });
  const body = await response.json() as { organization: { id: string }; api_key: { token: string } };
  if (response.status !== 201) throw new Error(`creating organization ${name}: ${response.status} ${JSON.stringify(body)}`);
  return { id: body.organization.id, token: body.api_key.token };
}

/**
 * HTTP commands and reads through the whole stack against a control plane in its own process:
 * POST /api/v1/projects with a fresh name per request (guard, validation, command handler, append,
 * wait for the projection so the caller reads its write) at 1 and 16 connections, the authorized
 * GET /api/v1/projects?limit=10 page at 16, and the baseline measured right after on the same
 * process: GET /health/live (no guard, no storage) at 16.
 */
export async function measureProjectsHttp(server: ControlPlaneProcess, storage: BenchResult['storage'], seconds: number, getGoal: boolean): Promise<void> {
  const { token } = await createBenchOrganization(server, `bench-http-${storage}`);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const posts: { connections: number; result: autocannon.Result }[] = [];
  // autocannon stops counting at the deadline, not the server: let it finish what is queued before the next row.
  const settle = async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/projects?limit=1`, { headers });
    await response.arrayBuffer();
  };
  for (const connections of [1, 16]) {
    await settle();
    let n = 0;
    const result = await autocannon({
      url: `${server.baseUrl}/api/v1/projects`, method: 'POST', connections, duration: seconds, headers,
      requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify({ name: `c${connections}-p${n++}` }) }) }],
    });
    posts.push({ connections, result });
  }
  await settle();
  const reads = await autocannon({ url: `${server.baseUrl}/api/v1/projects?limit=10`, connections: 16, duration: seconds, headers });
  await settle();
  const live = await autocannon({ url: `${server.baseUrl}/health/live`, connections: 16, duration: seconds });
  const row = (route: string, connections: number, r: autocannon.Result) =>
    [route, String(connections), fmt(r.requests.average), String(r.latency.p50), String(r.latency.p99), String(r.non2xx), String(r.errors), String(r.timeouts)];
  printTable(`HTTP through the control plane on ${storage === 'pglite' ? 'PGlite' : 'PostgreSQL'} (${seconds} s per row, load from a separate process)`, [
    ['route', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'timeouts'],
    ...posts.map((p) => row('POST /api/v1/projects', p.connections, p.result)),
    row('GET /api/v1/projects?limit=10', 16, reads),
    row('GET /health/live (baseline: no guard, no storage)', 16, live),
  ]);
  for (const { connections, result } of posts) {
    if (result.non2xx > 0) throw new Error(`POST /api/v1/projects answered ${result.non2xx} non-2xx responses at ${connections} connections`);
  }
  if (reads.non2xx > 0) throw new Error(`GET /api/v1/projects answered ${reads.non2xx} non-2xx responses`);
  const baseline = { figure: 'GET /health/live, 16 connections', value: live.requests.average, unit: 'req/s' };
  for (const { connections, result } of posts) {
    results.record({
      figure: `POST /api/v1/projects, ${connections} connection${connections > 1 ? 's' : ''}`, value: result.requests.average, unit: 'req/s', storage, baseline,
      goal: connections === 16 ? { on: 'value', op: '>=', target: 2000 } : undefined,
    });
    results.record({
      figure: `POST /api/v1/projects, ${connections} connection${connections > 1 ? 's' : ''}, p99`, value: result.latency.p99, unit: 'ms', storage,
      baseline: { figure: 'GET /health/live p99, 16 connections', value: live.latency.p99 },
      goal: connections === 16 ? { on: 'value', op: '<', target: 50 } : undefined,
    });
  }
  results.record({
    figure: 'authorized GET /api/v1/projects?limit=10, 16 connections', value: reads.requests.average, unit: 'req/s', storage, baseline,
    goal: getGoal ? { on: 'ratio', op: '>=', target: 0.4 } : undefined,
  });
}
