import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

describe('tenancy through HTTP', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  it('walks the README: organization → project → environment → namespace, read back at once', async () => {
    const { api, organization, owner, api_key } = await createOrganization(app, 'walk');
    expect(organization.id).toMatch(/^org_/);
    expect(owner.email).toBe('owner@walk.test');
    expect(api_key.token).toMatch(/^dwc_/);

    const project = await api.post('/api/v1/projects', { name: 'commerce' });
    expect(project.status).toBe(201);
    expect(project.body).toMatchObject({ name: 'commerce', resource_version: '0' });
    expect(project.headers.get('etag')).toBe('W/"0"');
    expect(project.headers.get('x-dwc-position')).toMatch(/^\d+\.\d+$/);

    const environment = await api.post('/api/v1/projects/commerce/environments', { name: 'prod' });
    expect(environment.status).toBe(201);
    const namespace = await api.post('/api/v1/projects/commerce/environments/prod/namespaces', { name: 'orders' });
    expect(namespace.status).toBe(201);
    expect(namespace.body).toMatchObject({ name: 'orders', project: 'commerce', environment: 'prod', state: 'active', active_runtime_target: null, replication: null });

    expect((await api.get('/api/v1/projects')).body.projects.map((p: { name: string }) => p.name)).toEqual(['commerce']);
    expect((await api.get('/api/v1/projects/commerce')).body.name).toBe('commerce');
    expect((await api.get('/api/v1/projects/commerce/environments')).body.environments.map((e: { name: string }) => e.name)).toEqual(['prod']);
    expect((await api.get('/api/v1/namespaces')).body.namespaces.map((n: { name: string }) => n.name)).toEqual(['orders']);
    expect((await api.get('/api/v1/namespaces/orders')).body).toMatchObject({ name: 'orders', project: 'commerce', environment: 'prod' });
  });

  it('refuses bad names (400), duplicates (409) and unknown parents (404) with problem+json, changing nothing', async () => {
    const { api } = await createOrganization(app, 'rules');
    for (const name of ['Bad', '-x', 'x-', 'a'.repeat(64), 'sp ace', '', 'ünï']) {
      const response = await api.post('/api/v1/projects', { name });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status: 400, field: 'name' });
    }
    expect((await api.post('/api/v1/projects', { name: 'a'.repeat(63) })).status).toBe(201);
    expect((await api.post('/api/v1/projects', { name: 'shop' })).status).toBe(201);
    const duplicate = await api.post('/api/v1/projects', { name: 'shop' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.type).toMatch(/already-exists$/);
    expect((await api.post('/api/v1/projects/nope/environments', { name: 'prod' })).status).toBe(404);
    expect((await api.post('/api/v1/projects/shop/environments/nope/namespaces', { name: 'orders' })).status).toBe(404);
    expect((await api.post('/api/v1/projects', { name: 'extra', unexpected: true })).status).toBe(400);
    // PostgreSQL cannot hold U+0000: a body carrying one anywhere is refused before any route reads it.
    const nul = await api.post('/api/v1/projects', { name: 'nul', labels: { 'k\u0000': ['\u0000'] } });
    expect(nul.status).toBe(400);
    expect(nul.body.detail).toMatch(/NUL/);
    expect((await api.get('/api/v1/projects')).body.projects).toHaveLength(2);
  });

  it('keeps namespace names unique per organization, while two organizations may both have one', async () => {
    const a = await createOrganization(app, 'org-a');
    const b = await createOrganization(app, 'org-b');
    for (const { api } of [a, b]) {
      await api.post('/api/v1/projects', { name: 'p' });
      await api.post('/api/v1/projects/p/environments', { name: 'e' });
      await api.post('/api/v1/projects/p/environments', { name: 'f' });
      expect((await api.post('/api/v1/projects/p/environments/e/namespaces', { name: 'orders' })).status).toBe(201);
    }
    expect((await a.api.post('/api/v1/projects/p/environments/f/namespaces', { name: 'orders' })).status).toBe(409);
  });

  it('answers 404 for another organization’s resources, in reads and writes', async () => {
    const a = await createOrganization(app, 'iso-a');
    const b = await createOrganization(app, 'iso-b');
    await a.api.post('/api/v1/projects', { name: 'secret' });
    await a.api.post('/api/v1/projects/secret/environments', { name: 'prod' });
    await a.api.post('/api/v1/projects/secret/environments/prod/namespaces', { name: 'vault' });
    expect((await b.api.get('/api/v1/projects/secret')).status).toBe(404);
    expect((await b.api.get('/api/v1/namespaces/vault')).status).toBe(404);
    expect((await b.api.get('/api/v1/projects/secret/environments')).status).toBe(404);
    expect((await b.api.post('/api/v1/projects/secret/environments', { name: 'x' })).status).toBe(404);
    expect((await b.api.patch('/api/v1/namespaces/vault', { description: 'mine' })).status).toBe(404);
    expect((await b.api.get('/api/v1/projects')).body.projects).toEqual([]);
    expect((await b.api.get('/api/v1/namespaces')).body.namespaces).toEqual([]);
    expect((await a.api.get('/api/v1/namespaces/vault')).body.description).toBe('');
  });

  it('requires a valid key on every organization route and the operator token on operator routes', async () => {
    const anonymous = client(app.baseUrl);
    expect((await anonymous.get('/api/v1/projects')).status).toBe(401);
    expect((await client(app.baseUrl, 'dwc_notatoken').get('/api/v1/projects')).status).toBe(401);
    const { api_key } = await createOrganization(app, 'keys');
    expect((await client(app.baseUrl, api_key.token).get('/api/v1/operator/organizations')).status).toBe(401);
    expect((await client(app.baseUrl, app.operatorToken).get('/api/v1/projects')).status).toBe(401);
  });
});
