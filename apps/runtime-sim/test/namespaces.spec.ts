import { call, useSimulator } from './support/sim-http';

describe('namespaces', () => {
  const sim = useSimulator();
  const admin = () => sim().tokens.admin;

  it('lists the default namespace', async () => {
    const res = await call(sim(), 'GET', '/api/namespaces');
    expect(res.status).toBe(200);
    expect(res.body.namespaces.map((n: { name: string }) => n.name)).toEqual(['default']);
  });

  it('creates a namespace (admin) with defaults, lower-casing the name', async () => {
    const res = await call(sim(), 'POST', '/api/namespaces', { token: admin(), body: { name: 'Orders' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      name: 'orders',
      description: null,
      retention_days: 30,
      status: 'active',
      external_payload_storage: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const shown = await call(sim(), 'GET', '/api/namespaces/orders');
    expect(shown.status).toBe(200);
    expect(shown.body.name).toBe('orders');
  });

  it('answers 409 namespace_already_exists on a duplicate', async () => {
    await call(sim(), 'POST', '/api/namespaces', { token: admin(), body: { name: 'orders' } });
    const res = await call(sim(), 'POST', '/api/namespaces', { token: admin(), body: { name: 'ORDERS' } });
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('namespace_already_exists');
  });

  it('validates name and retention_days', async () => {
    const res = await call(sim(), 'POST', '/api/namespaces', { token: admin(), body: { name: 'bad name!', retention_days: 366 } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors).sort()).toEqual(['name', 'retention_days']);
  });

  it('keeps namespace writes for admin: operator gets 403', async () => {
    const res = await call(sim(), 'POST', '/api/namespaces', { body: { name: 'orders' } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ role: 'operator', allowed_roles: ['admin'] });
  });

  it('updates description and retention_days', async () => {
    await call(sim(), 'POST', '/api/namespaces', { token: admin(), body: { name: 'orders', description: 'x' } });
    const res = await call(sim(), 'PUT', '/api/namespaces/orders', { token: admin(), body: { retention_days: 7 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'orders', description: 'x', retention_days: 7 });
  });

  it('answers 404 namespace_not_found for an unknown name', async () => {
    expect((await call(sim(), 'GET', '/api/namespaces/nope')).body.reason).toBe('namespace_not_found');
    const put = await call(sim(), 'PUT', '/api/namespaces/nope', { token: admin(), body: {} });
    expect(put.status).toBe(404);
  });

  it('does not require the X-Namespace to exist on namespace routes', async () => {
    const res = await call(sim(), 'POST', '/api/namespaces', { token: admin(), namespace: 'fresh', body: { name: 'fresh' } });
    expect(res.status).toBe(201);
  });
});
