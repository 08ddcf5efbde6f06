import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { RuntimeClient } from '../../libs/runtime-client/src';
import { createNamespace, eventsOfType, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

describe('connectivity for customer-run workers and clients', () => {
  let app: TestApp;
  let sim: RuntimeSimulator;
  const runtime = new RuntimeClient({ timeoutMs: 2000 });
  beforeAll(async () => {
    app = await startTestApp();
    [sim] = await startSimulators(1, 'connect');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it('gives the connection facts and issues, lists, rotates and revokes namespace-scoped runtime credentials', async () => {
    const { api } = await createOrganization(app, 'connect');
    expect((await createNamespace(api, 'orders')).name).toBe('orders');
    expect((await api.get('/api/v1/namespaces/orders/connection')).status).toBe(409);
    const target = await registerTarget(api, sim, { region: 'eu-central-1' });
    const runtimeNamespace = (await api.put('/api/v1/namespaces/orders/runtime-target', { runtime_target_id: target.id })).body.runtime_namespace;

    const connection = await api.get('/api/v1/namespaces/orders/connection');
    expect(connection.status).toBe(200);
    expect(connection.body).toMatchObject({
      runtime_base_url: sim.baseUrl, runtime_namespace: runtimeNamespace, region: 'eu-central-1',
      headers: { 'X-Namespace': runtimeNamespace, 'X-Durable-Workflow-Control-Plane-Version': '2' },
    });

    const issued = await api.post('/api/v1/namespaces/orders/runtime-credentials', { name: 'fleet', role: 'worker' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ id: expect.stringMatching(/^rcr_/), token: expect.stringMatching(/^dwr_/), role: 'worker' });
    const { id, token } = issued.body;
    // The token works on the runtime target, in the namespace only.
    const onTarget = sim.state.credentials.get(id);
    expect(onTarget).toMatchObject({ tenant: runtimeNamespace, roles: ['worker'], revoked_at: null });
    expect((await runtime.verifyTarget(sim.baseUrl, token, runtimeNamespace)).ok).toBe(true);
    const client1 = await api.post('/api/v1/namespaces/orders/runtime-credentials', { name: 'ci', role: 'client' });
    expect(sim.state.credentials.get(client1.body.id)?.roles).toEqual(['operator']);
    const startAsClient = await fetch(`${sim.baseUrl}/api/workflows`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client1.body.token}`, 'x-namespace': runtimeNamespace, 'x-durable-workflow-control-plane-version': '2', 'content-type': 'application/json' },
      body: JSON.stringify({ workflow_type: 'order' }),
    });
    expect(startAsClient.status).toBe(201);

    // Never stored or shown again: events and listings carry the prefix only.
    const listed = (await api.get('/api/v1/namespaces/orders/runtime-credentials')).body.runtime_credentials;
    expect(listed.map((c: { id: string; state: string }) => [c.id, c.state])).toEqual(expect.arrayContaining([[id, 'active'], [client1.body.id, 'active']]));
    expect(JSON.stringify(listed)).not.toContain(token);
    const stored = (await eventsOfType(app, 'RuntimeCredentialIssued')).map((e) => JSON.stringify(e.data));
    expect(stored.join()).not.toContain(token);
    expect(stored.join()).toContain(token.slice(0, 12));

    const rotated = await api.post(`/api/v1/namespaces/orders/runtime-credentials/${id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.token).toMatch(/^dwr_/);
    expect(rotated.body.token).not.toBe(token);
    expect((await runtime.verifyTarget(sim.baseUrl, token, runtimeNamespace)).ok).toBe(false);
    expect((await runtime.verifyTarget(sim.baseUrl, rotated.body.token, runtimeNamespace)).ok).toBe(true);

    expect((await api.delete(`/api/v1/namespaces/orders/runtime-credentials/${id}`)).status).toBe(204);
    expect(sim.state.credentials.get(id)?.revoked_at).not.toBeNull();
    expect((await runtime.verifyTarget(sim.baseUrl, rotated.body.token, runtimeNamespace)).ok).toBe(false);
    expect((await api.delete(`/api/v1/namespaces/orders/runtime-credentials/${id}`)).status).toBe(204);
    expect((await api.post(`/api/v1/namespaces/orders/runtime-credentials/${id}/rotate`)).status).toBe(409);
    const after = (await api.get('/api/v1/namespaces/orders/runtime-credentials')).body.runtime_credentials.find((c: { id: string }) => c.id === id);
    expect(after).toMatchObject({ state: 'revoked', revoked_at: expect.any(String), rotated_at: expect.any(String) });
    expect((await api.delete('/api/v1/namespaces/orders/runtime-credentials/rcr_00000000000000000000000000')).status).toBe(404);
  });

  it('needs namespace.manage to issue credentials', async () => {
    const { api } = await createOrganization(app, 'connect-rights');
    const target = await registerTarget(api, sim);
    await createNamespace(api, 'orders', target.id);
    const dev = await api.post('/api/v1/users', { email: 'dev@rights.test', organization_role: 'member' });
    await api.post('/api/v1/role-bindings', { principal_id: dev.body.id, role: 'developer', scope: { project: 'commerce', environment: 'prod', namespace: 'orders' } });
    const devApi = client(app.baseUrl, (await api.post('/api/v1/api-keys', { principal_id: dev.body.id, name: 'dev' })).body.token);
    expect((await devApi.get('/api/v1/namespaces/orders/connection')).status).toBe(200);
    expect((await devApi.post('/api/v1/namespaces/orders/runtime-credentials', { name: 'x', role: 'worker' })).status).toBe(403);
  });
});

describe('a billing-restricted organization', () => {
  let app: TestApp;
  let sim: RuntimeSimulator;
  beforeAll(async () => {
    app = await startTestApp();
    [sim] = await startSimulators(1, 'restricted');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it('cannot assign, migrate, forward or issue runtime credentials (403 billing-restricted), and its refused commands are recorded', async () => {
    const { api, organization } = await createOrganization(app, 'unpaid');
    const target = await registerTarget(api, sim);
    const other = await registerTarget(api, sim, { name: 'second' });
    await createNamespace(api, 'orders', target.id);
    await createNamespace(api, 'spare');
    const operator = client(app.baseUrl, app.operatorToken);
    expect((await operator.put(`/api/v1/operator/organizations/${organization.id}/billing-restriction`, { restricted: true, reason: 'invoice overdue' })).status).toBe(200);

    const refusals = [
      await api.put('/api/v1/namespaces/spare/runtime-target', { runtime_target_id: target.id }),
      await api.post('/api/v1/namespaces/orders/migrations', { to_runtime_target_id: other.id, reason: 'cheaper' }),
      await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order' }),
      await api.post('/api/v1/namespaces/orders/runtime-credentials', { name: 'fleet', role: 'worker' }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(403);
      expect(refusal.body.type).toMatch(/billing-restricted$/);
    }
    const facts = (await api.get('/api/v1/namespaces/orders/runtime-commands')).body.runtime_commands;
    expect(facts).toMatchObject([{ auth_outcome: 'billing_restricted', runtime_status: null, runtime_outcome: 'not_forwarded' }]);
    expect(sim.requestsTo('POST', '/api/workflows')).toHaveLength(0);
    // Reads keep working, and lifting the restriction restores forwarding.
    expect((await api.get('/api/v1/namespaces/orders/connection')).status).toBe(200);
    await operator.put(`/api/v1/operator/organizations/${organization.id}/billing-restriction`, { restricted: false, reason: 'paid' });
    expect((await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order' })).status).toBe(201);
  });
});
