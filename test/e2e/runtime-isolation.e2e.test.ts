import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { createNamespace, registerPlatformTarget, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

describe('runtime targets and forwarding across organizations', () => {
  let app: TestApp;
  let sims: RuntimeSimulator[];
  beforeAll(async () => {
    app = await startTestApp();
    sims = await startSimulators(2, 'iso');
  });
  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.close()));
    await app.close();
  });

  it('keeps an organization\'s targets, placements and namespaces out of another\'s reach', async () => {
    const a = await createOrganization(app, 'rt-alpha');
    const b = await createOrganization(app, 'rt-bravo');
    const targetA = await registerTarget(a.api, sims[0]);
    await createNamespace(a.api, 'orders', targetA.id);
    await createNamespace(b.api, 'orders');

    // B neither sees nor reads A's target.
    expect((await b.api.get('/api/v1/runtime-targets')).body.runtime_targets).toEqual([]);
    expect((await b.api.get(`/api/v1/runtime-targets/${targetA.id}`)).status).toBe(404);
    // B cannot assign it, neither later nor at creation: 404, never 403.
    const assign = await b.api.put('/api/v1/namespaces/orders/runtime-target', { runtime_target_id: targetA.id });
    expect(assign.status).toBe(404);
    expect((await b.api.post('/api/v1/projects/commerce/environments/prod/namespaces', { name: 'other', runtime_target_id: targetA.id })).status).toBe(404);
    expect((await b.api.get('/api/v1/namespaces/orders')).body.active_runtime_target).toBeNull();
    // B forwarding into its own namespace of the same name reaches nothing of A's.
    sims[0].clearRequests();
    const ownUnplaced = await b.api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order' });
    expect(ownUnplaced.status).toBe(409);
    expect(ownUnplaced.body.type).toMatch(/namespace-not-placed$/);
    // A namespace only A has: 404 for B, recorded in B's facts, A's untouched.
    await createNamespace(a.api, 'ledger', targetA.id);
    const aFactsBefore = (await a.api.get('/api/v1/namespaces/ledger/runtime-commands')).body.runtime_commands.length;
    sims[0].clearRequests();
    const foreign = await b.api.post('/api/v1/namespaces/ledger/runtime/workflows', { workflow_type: 'steal' });
    expect(foreign.status).toBe(404);
    expect(sims[0].requests).toEqual([]);
    expect((await a.api.get('/api/v1/namespaces/ledger/runtime-commands')).body.runtime_commands).toHaveLength(aFactsBefore);
    expect((await b.api.get('/api/v1/namespaces/ledger/runtime-commands')).status).toBe(404);
    const refusals = await app.storage.db.selectFrom('runtime_commands').selectAll().where('namespace', '=', 'ledger').execute();
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ organization_id: b.organization.id, auth_outcome: 'not_found', runtime_target_id: null });
    // Nor can B read A's connection or credentials.
    expect((await b.api.get('/api/v1/namespaces/ledger/connection')).status).toBe(404);
    expect((await b.api.post('/api/v1/namespaces/ledger/runtime-credentials', { name: 'x', role: 'worker' })).status).toBe(404);
  });

  it('lets every organization assign a platform target, each under its own runtime namespace', async () => {
    const c = await createOrganization(app, 'rt-charlie');
    const d = await createOrganization(app, 'rt-delta');
    const hosted = await registerPlatformTarget(app, sims[1], { name: 'hosted eu' });
    expect(hosted.ingest_token).toMatch(/^dwi_/);
    for (const org of [c, d]) {
      const listed = (await org.api.get('/api/v1/runtime-targets')).body.runtime_targets;
      expect(listed.map((t: { id: string; owner: string }) => [t.id, t.owner])).toContainEqual([hosted.id, 'platform']);
      await createNamespace(org.api, 'orders', hosted.id);
    }
    const cNamespace = (await c.api.get('/api/v1/namespaces/orders')).body;
    const dNamespace = (await d.api.get('/api/v1/namespaces/orders')).body;
    expect(cNamespace.active_runtime_target.id).toBe(hosted.id);
    expect(cNamespace.runtime_namespace).not.toBe(dNamespace.runtime_namespace);
    sims[1].clearRequests();
    await c.api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: 'same-id' });
    await d.api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: 'same-id' });
    expect(sims[1].requests.map((r) => r.namespace)).toEqual([cNamespace.runtime_namespace, dNamespace.runtime_namespace]);
    expect(sims[1].state.getWorkflow(cNamespace.runtime_namespace, 'same-id')).toBeDefined();
    expect(sims[1].state.getWorkflow(dNamespace.runtime_namespace, 'same-id')).toBeDefined();
    // The platform's ingest token and credential are the operator's: organizations never see them.
    expect(JSON.stringify((await c.api.get(`/api/v1/runtime-targets/${hosted.id}`)).body)).not.toContain(hosted.ingest_token);
  });

  it('keeps a namespace admin to that namespace: no forwarding into a sibling', async () => {
    const e = await createOrganization(app, 'rt-echo');
    const target = await registerTarget(e.api, sims[0]);
    await createNamespace(e.api, 'n1', target.id);
    await createNamespace(e.api, 'n2', target.id);
    const dev = await e.api.post('/api/v1/users', { email: 'dev@echo.test', organization_role: 'member' });
    await e.api.post('/api/v1/role-bindings', { principal_id: dev.body.id, role: 'developer', scope: { project: 'commerce', environment: 'prod', namespace: 'n1' } });
    const key = await e.api.post('/api/v1/api-keys', { principal_id: dev.body.id, name: 'dev' });
    const devApi = client(app.baseUrl, key.body.token);
    expect((await devApi.post('/api/v1/namespaces/n1/runtime/workflows', { workflow_type: 'order' })).status).toBe(201);
    expect((await devApi.post('/api/v1/namespaces/n2/runtime/workflows', { workflow_type: 'order' })).status).toBe(404);
    // A developer forwards but does not manage placement.
    expect((await devApi.put('/api/v1/namespaces/n1/runtime-target', { runtime_target_id: target.id })).status).toBe(403);
    const n2Facts = (await e.api.get('/api/v1/namespaces/n2/runtime-commands?auth_outcome=not_found')).body.runtime_commands;
    expect(n2Facts).toHaveLength(1);
    expect(n2Facts[0]).toMatchObject({ actor: { id: dev.body.id }, runtime_status: null, runtime_outcome: 'not_forwarded' });
  });
});
