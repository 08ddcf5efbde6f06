import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

describe('a namespace-scoped admin', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  it('manages its namespace fully and sees nothing of its siblings', async () => {
    const { api } = await createOrganization(app, 'scoped');
    await api.post('/api/v1/projects', { name: 'shop' });
    await api.post('/api/v1/projects/shop/environments', { name: 'prod' });
    await api.post('/api/v1/projects/shop/environments', { name: 'staging' });
    for (const name of ['orders', 'payments']) await api.post('/api/v1/projects/shop/environments/prod/namespaces', { name });
    await api.post('/api/v1/projects/shop/environments/staging/namespaces', { name: 'orders-staging' });
    await api.post('/api/v1/projects', { name: 'internal' });
    await api.post('/api/v1/projects/internal/environments', { name: 'prod' });
    await api.post('/api/v1/projects/internal/environments/prod/namespaces', { name: 'payroll' });

    const user = await api.post('/api/v1/users', { email: 'orders-admin@scoped.test', organization_role: 'member' });
    const binding = await api.post('/api/v1/role-bindings', { principal_id: user.body.id, role: 'admin', scope: { namespace: 'orders' } });
    expect(binding.body.scope).toEqual({ project: 'shop', environment: 'prod', namespace: 'orders' });
    const key = await api.post('/api/v1/api-keys', { principal_id: user.body.id, name: 'orders admin' });
    const admin = client(app.baseUrl, key.body.token);

    // Its namespace: read, update (with If-Match), and find it by navigating from its project.
    const read = await admin.get('/api/v1/namespaces/orders');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ name: 'orders', project: 'shop', environment: 'prod' });
    const updated = await admin.patch('/api/v1/namespaces/orders', { description: 'order workflows' }, { 'if-match': read.headers.get('etag')! });
    expect(updated.status).toBe(200);
    expect(updated.body.description).toBe('order workflows');
    expect((await admin.patch('/api/v1/namespaces/orders', { description: 'stale' }, { 'if-match': read.headers.get('etag')! })).status).toBe(412);
    expect((await admin.get('/api/v1/namespaces/orders')).body.description).toBe('order workflows');
    expect((await admin.get('/api/v1/projects')).body.projects.map((p: { name: string }) => p.name)).toEqual(['shop']);
    expect((await admin.get('/api/v1/projects/shop/environments')).body.environments.map((e: { name: string }) => e.name)).toEqual(['prod']);
    expect((await admin.get('/api/v1/projects/shop/environments/prod/namespaces')).body.namespaces.map((n: { name: string }) => n.name)).toEqual(['orders']);

    // Its siblings and cousins: absent from every listing, 404 on direct reads and writes.
    expect((await admin.get('/api/v1/namespaces')).body.namespaces.map((n: { name: string }) => n.name)).toEqual(['orders']);
    expect((await admin.get('/api/v1/namespaces?project=shop&environment=prod')).body.namespaces.map((n: { name: string }) => n.name)).toEqual(['orders']);
    for (const sibling of ['payments', 'orders-staging', 'payroll']) {
      expect((await admin.get(`/api/v1/namespaces/${sibling}`)).status).toBe(404);
      expect((await admin.patch(`/api/v1/namespaces/${sibling}`, { description: 'mine now' })).status).toBe(404);
      expect((await admin.delete(`/api/v1/namespaces/${sibling}`)).status).toBe(404);
    }
    expect((await admin.get('/api/v1/projects/internal')).status).toBe(404);
    expect((await admin.get('/api/v1/projects/shop/environments/staging')).status).toBe(404);
    // Navigation is not management: no new namespaces next to its own, no changes to its ancestors.
    expect((await admin.post('/api/v1/projects/shop/environments/prod/namespaces', { name: 'orders-2' })).status).toBe(403);
    expect((await admin.patch('/api/v1/projects/shop', { description: 'x' })).status).toBe(403);

    const me = await admin.get('/api/v1/me');
    const namespaces = new Set(me.body.capabilities.map((g: { resource: { namespace?: string } }) => g.resource.namespace).filter(Boolean));
    expect([...namespaces]).toEqual(['orders']);
    for (const sibling of ['payments', 'orders-staging', 'payroll']) expect((await api.get(`/api/v1/namespaces/${sibling}`)).body.description).toBe('');

    // Without its binding it is a plain member again.
    await api.delete(`/api/v1/role-bindings/${binding.body.id}`);
    expect((await admin.get('/api/v1/namespaces/orders')).status).toBe(404);
    expect((await admin.get('/api/v1/namespaces')).body.namespaces).toEqual([]);
  });
});
