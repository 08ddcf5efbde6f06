import { sql } from 'kysely';
import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { IdempotencyStore } from '../../apps/control-plane/src/http/idempotency/idempotency-store';
import { createNamespace, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

/**
 * Idempotency keys belong to the principal that used them; a reservation left pending by a crash
 * expires; old records are purged; a forwarded workflow command retried with its key is answered
 * from the record, and the runtime sees one request id.
 */
describe('idempotency keys: scope, expiry and forwarded commands', () => {
  let app: TestApp;
  let sim: RuntimeSimulator;
  beforeAll(async () => {
    app = await startTestApp();
    [sim] = await startSimulators(1, 'idem');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it('never answers another principal from the first principal\'s record', async () => {
    const { api } = await createOrganization(app, 'idem-scope');
    const member = await api.post('/api/v1/users', { email: 'm@idem-scope.test', organization_role: 'member' });
    const memberApi = client(app.baseUrl, (await api.post('/api/v1/api-keys', { principal_id: member.body.id, name: 'm' })).body.token);
    const first = await api.post('/api/v1/projects', { name: 'secret-plans' }, { 'idempotency-key': 'shared-key' });
    expect(first.status).toBe(201);
    const other = await memberApi.post('/api/v1/projects', { name: 'secret-plans' }, { 'idempotency-key': 'shared-key' });
    expect(other.status).toBe(403);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.stringify(other.body)).not.toContain(first.body.id);
  });

  it('expires a reservation a crash left pending, and purges old records', async () => {
    const { api, owner } = await createOrganization(app, 'idem-crash');
    const db = app.storage.db;
    // What a process killed mid-request leaves behind (in any scope format), ten minutes ago.
    for (const scope of [`org:${(await api.get('/api/v1/me')).body.organization.id}`, `principal:${owner.id}`]) {
      await db.insertInto('idempotency_records').values({ scope, key: 'crashed', request_hash: 'x', state: 'pending' }).execute();
    }
    await sql`update idempotency_records set created_at = now() - interval '10 minutes' where key = 'crashed'`.execute(db);
    const retried = await api.post('/api/v1/projects', { name: 'after-crash' }, { 'idempotency-key': 'crashed' });
    expect(retried.status).toBe(201);

    await db.insertInto('idempotency_records').values({ scope: `principal:${owner.id}`, key: 'ancient', request_hash: 'x', state: 'completed', status: 201 }).execute();
    await sql`update idempotency_records set created_at = now() - interval '3 days' where key = 'ancient'`.execute(db);
    await app.app.get(IdempotencyStore).sweep();
    expect(await db.selectFrom('idempotency_records').select('key').where('key', '=', 'ancient').executeTakeFirst()).toBeUndefined();
    expect(await db.selectFrom('idempotency_records').select('key').where('key', '=', 'crashed').executeTakeFirst()).toBeDefined();
  });

  it('answers a retried forwarded command from the record: the runtime sees it once, with one request id', async () => {
    const { api } = await createOrganization(app, 'idem-forward');
    const target = await registerTarget(api, sim);
    await createNamespace(api, 'orders', target.id);
    const before = sim.requestsTo('POST', '/api/workflows').length;
    const start = () => api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: 'o-1' },
      { 'idempotency-key': 'start-o-1' });
    const first = await start();
    expect(first.status).toBe(201);
    const retry = await start();
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('x-dwc-audit-id')).toBe(first.headers.get('x-dwc-audit-id'));
    const seen = sim.requestsTo('POST', '/api/workflows').slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0].headers['x-request-id']).toBe(first.headers.get('x-dwc-audit-id'));
  });
});
