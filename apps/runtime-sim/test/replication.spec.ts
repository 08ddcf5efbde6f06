import { call, useSimulator } from './support/sim-http';

describe('replication (assumed contract)', () => {
  const sim = useSimulator();
  const admin = () => sim().tokens.admin;
  const setRole = (role: string, epoch: number) => call(sim(), 'PUT', '/api/system/replication', { token: admin(), namespace: 'default', body: { role, epoch } });

  it('reports a namespace as primary at epoch 0 by default', async () => {
    const res = await call(sim(), 'GET', '/api/system/replication', { token: admin(), namespace: 'default' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ namespace: 'default', role: 'primary', epoch: 0, lag_seconds: 0, last_successful_replication_at: null });
  });

  it('demotes to secondary, fencing workflow writes with 409 namespace_not_active while reads still work', async () => {
    await call(sim(), 'POST', '/api/workflows', { body: { workflow_type: 't', workflow_id: 'wf' } });
    const demoted = await setRole('secondary', 1);
    expect(demoted.status).toBe(200);
    expect(demoted.body).toMatchObject({ role: 'secondary', epoch: 1 });

    for (const path of ['/api/workflows', '/api/workflows/wf/signal/s', '/api/workflows/wf/update/u', '/api/workflows/wf/cancel', '/api/workflows/wf/terminate']) {
      const res = await call(sim(), 'POST', path, { body: { workflow_type: 't' } });
      expect(res.status).toBe(409);
      expect(res.body.reason).toBe('namespace_not_active');
    }
    expect((await call(sim(), 'GET', '/api/workflows/wf')).status).toBe(200);
    expect((await call(sim(), 'POST', '/api/workflows/wf/query/q', { body: {} })).status).toBe(200);

    await setRole('primary', 2);
    expect((await call(sim(), 'POST', '/api/workflows/wf/signal/s', { body: {} })).status).toBe(202);
  });

  it('refuses a lower epoch with 409 stale_replication_epoch and accepts an equal one', async () => {
    await setRole('secondary', 5);
    const stale = await setRole('primary', 4);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ reason: 'stale_replication_epoch', current_epoch: 5 });
    expect((await setRole('primary', 5)).status).toBe(200);
  });

  it('reports lag set through the fault API', async () => {
    await setRole('secondary', 1);
    sim().faults.lag(42, 'default');
    const res = await call(sim(), 'GET', '/api/system/replication', { token: admin(), namespace: 'default' });
    expect(res.body.lag_seconds).toBe(42);
    expect(Date.now() - Date.parse(res.body.last_successful_replication_at)).toBeGreaterThanOrEqual(42_000);
  });

  it('validates role and epoch, needs admin, and 404s an unknown namespace', async () => {
    const invalid = await call(sim(), 'PUT', '/api/system/replication', { token: admin(), body: { role: 'leader', epoch: -1 } });
    expect(invalid.status).toBe(422);
    expect(Object.keys(invalid.body.errors).sort()).toEqual(['epoch', 'role']);
    expect((await call(sim(), 'GET', '/api/system/replication')).status).toBe(403);
    const missing = await call(sim(), 'GET', '/api/system/replication', { token: admin(), namespace: 'nope' });
    expect(missing.body.reason).toBe('namespace_not_found');
  });

  it('keeps role and epoch per namespace', async () => {
    await call(sim(), 'POST', '/api/namespaces', { token: admin(), body: { name: 'other' } });
    await setRole('secondary', 3);
    const other = await call(sim(), 'GET', '/api/system/replication', { token: admin(), namespace: 'other' });
    expect(other.body).toMatchObject({ namespace: 'other', role: 'primary', epoch: 0 });
  });
});
