import { VERSION_HEADER, call, useSimulator } from './support/sim-http';

describe('probes: /api/health and /api/ready', () => {
  const sim = useSimulator();

  it('answers health without auth or version header, and does not echo the version header', async () => {
    const res = await call(sim(), 'GET', '/api/health', { token: null, version: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'serving', timestamp: expect.any(String), checks: { database: 'ok' } });
    expect(res.headers.get(VERSION_HEADER)).toBeNull();
  });

  it('answers ready with every check ok', async () => {
    const res = await call(sim(), 'GET', '/api/ready', { token: null, version: null });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
    for (const check of ['database', 'migrations', 'default_namespace', 'cache', 'auth']) {
      expect(res.body.checks[check]).toEqual({ status: 'ok' });
    }
  });

  it('reports 503 not_ready under the not_ready fault, and health stays serving', async () => {
    sim().faults.notReady();
    const ready = await call(sim(), 'GET', '/api/ready', { token: null, version: null });
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('not_ready');
    expect(ready.body.checks.migrations.status).toBe('missing');
    expect((await call(sim(), 'GET', '/api/health', { token: null })).status).toBe(200);
  });

  it('reports 503 degraded and a failed database check when unhealthy', async () => {
    sim().faults.unhealthy();
    const health = await call(sim(), 'GET', '/api/health', { token: null, version: null });
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', checks: { database: 'unavailable' } });
    const ready = await call(sim(), 'GET', '/api/ready', { token: null, version: null });
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database.status).toBe('unavailable');
  });
});
