import { startRuntimeSimulator } from '../src/simulator';
import { call, useSimulator } from './support/sim-http';

const adminFault = async (url: string, body: Record<string, unknown>): Promise<Response> =>
  fetch(`${url}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const refused = async (url: string): Promise<string | undefined> => {
  try {
    await fetch(`${url}/api/health`);
    return undefined;
  } catch (error) {
    return ((error as Error).cause as { code?: string } | undefined)?.code;
  }
};

describe('fault injection', () => {
  const sim = useSimulator();

  it('down refuses connections and up listens again on the same port', async () => {
    const { baseUrl } = sim();
    expect((await call(sim(), 'GET', '/api/health')).status).toBe(200);
    await sim().faults.down();
    expect(await refused(baseUrl)).toBe('ECONNREFUSED');
    await sim().faults.up();
    expect(sim().baseUrl).toBe(baseUrl);
    expect((await call(sim(), 'GET', '/api/health')).status).toBe(200);
  });

  it('hang accepts but never answers, until released', async () => {
    sim().faults.hang();
    const started = Date.now();
    const error = await fetch(`${sim().baseUrl}/api/health`, { signal: AbortSignal.timeout(300) }).catch((e: Error) => e);
    expect((error as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    sim().faults.hang(false);
    expect((await call(sim(), 'GET', '/api/health')).status).toBe(200);
  });

  it('error answers 5xx on every /api route', async () => {
    sim().faults.error(503);
    for (const path of ['/api/health', '/api/cluster/info', '/api/workflows']) {
      const res = await call(sim(), 'GET', path);
      expect(res.status).toBe(503);
      expect(res.body.reason).toBe('server_error');
    }
    sim().faults.error(null);
    expect((await call(sim(), 'GET', '/api/health')).status).toBe(200);
  });

  it('drives every mode through the HTTP admin API, which stays up on the admin port while down', async () => {
    const { adminUrl, baseUrl } = sim();
    expect((await adminFault(adminUrl, { mode: 'wrong_protocol' })).status).toBe(200);
    expect((await call(sim(), 'GET', '/api/cluster/info')).body.control_plane.version).toBe(3);
    await adminFault(adminUrl, { mode: 'not_ready' });
    expect((await call(sim(), 'GET', '/api/ready')).status).toBe(503);
    await adminFault(adminUrl, { mode: 'lag', seconds: 7 });
    expect(sim().state.replicationOf('default').lag_seconds).toBe(7);
    await adminFault(adminUrl, { mode: 'error', status: 502 });
    expect((await call(sim(), 'GET', '/api/health')).status).toBe(502);
    // The main port's admin API answers (bypassing the error fault) before it goes down.
    const down = await adminFault(baseUrl, { mode: 'down' });
    expect(down.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await refused(baseUrl)).toBe('ECONNREFUSED');
    const state = (await (await fetch(`${adminUrl}/__sim/faults`)).json()) as { faults: unknown };
    expect(state.faults).toMatchObject({ down: true, wrongProtocol: true, notReady: true, error: 502 });
    await adminFault(adminUrl, { mode: 'reset' });
    expect((await call(sim(), 'GET', '/api/ready')).status).toBe(200);
    expect((await call(sim(), 'GET', '/api/cluster/info')).body.control_plane.version).toBe(2);
    expect((await adminFault(adminUrl, { mode: 'sideways' })).status).toBe(422);
  });

  it('pushes usage records and closes workflows through the admin API', async () => {
    const pushed = await fetch(`${sim().adminUrl}/__sim/usage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: 'default', action_type: 'activity_execution', quantity: 3 }),
    });
    expect(pushed.status).toBe(201);
    expect(sim().state.usage.map((u) => u.action_type)).toEqual(['activity_execution']);
    await call(sim(), 'POST', '/api/workflows', { body: { workflow_type: 't', workflow_id: 'wf' } });
    await fetch(`${sim().adminUrl}/__sim/workflows/default/wf/close`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"result":1}' });
    expect((await call(sim(), 'GET', '/api/workflows/wf')).body).toMatchObject({ status: 'completed', result: 1 });
  });
});

describe('several simulators in one process', () => {
  it('run on distinct random loopback ports with their own state and tokens', async () => {
    const [a, b] = await Promise.all([startRuntimeSimulator({ serverId: 'a' }), startRuntimeSimulator({ serverId: 'b' })]);
    try {
      expect(a.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(a.port).not.toBe(b.port);
      expect((await call(a, 'GET', '/api/cluster/info')).body.server_id).toBe('a');
      expect((await call(b, 'GET', '/api/cluster/info')).body.server_id).toBe('b');
      expect((await call(b, 'GET', '/api/cluster/info', { token: a.tokens.operator })).status).toBe(401);
      await a.faults.down();
      expect((await call(b, 'GET', '/api/health')).status).toBe(200);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
