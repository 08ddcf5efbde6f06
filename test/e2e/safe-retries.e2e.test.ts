import { committedEvents } from '../support/committed-events';
import { createOrganization, startTestApp, TestApp } from '../support/test-app';
import { describeOnPostgres } from '../support/test-storage';

describe('safe retries and concurrent edits', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  const eventCount = async () => (await committedEvents(app)).length;

  it('replays the original answer for a retried Idempotency-Key and appends nothing', async () => {
    const { api } = await createOrganization(app, 'retry');
    const first = await api.post('/api/v1/projects', { name: 'billing' }, { 'idempotency-key': 'create-billing-1' });
    expect(first.status).toBe(201);
    const before = await eventCount();
    const retry = await api.post('/api/v1/projects', { name: 'billing' }, { 'idempotency-key': 'create-billing-1' });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await eventCount()).toBe(before);
  });

  it('answers 422 when a key is reused with a different body', async () => {
    const { api } = await createOrganization(app, 'reuse');
    await api.post('/api/v1/projects', { name: 'one' }, { 'idempotency-key': 'k-1' });
    const reused = await api.post('/api/v1/projects', { name: 'two' }, { 'idempotency-key': 'k-1' });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toMatch(/idempotency-key-reused$/);
    expect((await api.get('/api/v1/projects/two')).status).toBe(404);
  });

  it('scopes keys per organization: the same key in another organization is a new request', async () => {
    const a = await createOrganization(app, 'scope-a');
    const b = await createOrganization(app, 'scope-b');
    expect((await a.api.post('/api/v1/projects', { name: 'p' }, { 'idempotency-key': 'same' })).status).toBe(201);
    const other = await b.api.post('/api/v1/projects', { name: 'p' }, { 'idempotency-key': 'same' });
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });

  it('never stores a shown-once token for replay', async () => {
    const operator = (await import('../support/test-app')).client(app.baseUrl, app.operatorToken);
    const first = await operator.post('/api/v1/operator/organizations', { name: 'once', owner_email: 'o@once.test' }, { 'idempotency-key': 'org-once' });
    const retry = await operator.post('/api/v1/operator/organizations', { name: 'once', owner_email: 'o@once.test' }, { 'idempotency-key': 'org-once' });
    expect(first.body.api_key.token).toMatch(/^dwc_/);
    expect(retry.body.organization).toEqual(first.body.organization);
    expect(retry.body.api_key.token).not.toMatch(/^dwc_/);
  });

  it('honours If-Match: a stale ETag is 412 and changes nothing; the current one succeeds', async () => {
    const { api } = await createOrganization(app, 'etag');
    const created = await api.post('/api/v1/projects', { name: 'p' });
    const etag = created.headers.get('etag')!;
    const updated = await api.patch('/api/v1/projects/p', { description: 'first' }, { 'if-match': etag });
    expect(updated.body).toMatchObject({ description: 'first' });
    expect(updated.headers.get('etag')).toBe('W/"1"');
    const stale = await api.patch('/api/v1/projects/p', { description: 'second' }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect((await api.get('/api/v1/projects/p')).body.description).toBe('first');
    expect((await api.patch('/api/v1/projects/p', { description: 'x' }, { 'if-match': 'garbage' })).status).toBe(400);
  });

  it('If-Match on delete: stale is 412, current deletes', async () => {
    const { api } = await createOrganization(app, 'del');
    await api.post('/api/v1/projects', { name: 'p' });
    await api.post('/api/v1/projects/p/environments', { name: 'e' });
    const ns = await api.post('/api/v1/projects/p/environments/e/namespaces', { name: 'n' });
    await api.patch('/api/v1/namespaces/n', { description: 'changed' });
    expect((await api.delete('/api/v1/namespaces/n', { 'if-match': ns.headers.get('etag')! })).status).toBe(412);
    expect((await api.delete('/api/v1/namespaces/n', { 'if-match': 'W/"1"' })).status).toBe(204);
    expect((await api.get('/api/v1/namespaces/n')).status).toBe(404);
  });

  it('lets a client wait for its own write with X-DWC-Min-Position', async () => {
    const { api } = await createOrganization(app, 'ryw');
    const created = await api.post('/api/v1/projects', { name: 'fresh' });
    const position = created.headers.get('x-dwc-position')!;
    const read = await api.get('/api/v1/projects/fresh', { 'x-dwc-min-position': position });
    expect(read.status).toBe(200);
    expect((await api.get('/api/v1/projects', { 'x-dwc-min-position': 'nonsense' })).status).toBe(400);
  });
});

describeOnPostgres('concurrent creates of one name (PostgreSQL: concurrent sessions race for real)', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  it('exactly one 201, the others 409, and the refused creates appended nothing', async () => {
    const { api, organization } = await createOrganization(app, 'race');
    const results = await Promise.all(Array.from({ length: 6 }, () => api.post('/api/v1/projects', { name: 'contested' })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
    const created = (await committedEvents(app, { organizationId: organization.id, types: ['ProjectCreated'] }));
    expect(created.map((e) => e.stream_id)).toEqual([`project-${organization.id}.contested`]);
    // The whole organization: its creation, and one project.
    const all = (await committedEvents(app, { organizationId: organization.id })).filter((e) => e.type !== 'AccessDenied');
    expect(all.filter((e) => e.stream_id.startsWith('project-'))).toHaveLength(1);
  });
});
