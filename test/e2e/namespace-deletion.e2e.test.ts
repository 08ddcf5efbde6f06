import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { RuntimeClient } from '../../libs/runtime-client/src';
import { createNamespace, eventsOfType, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { createOrganization, startTestApp, TestApp } from '../support/test-app';

describe('deleting a namespace leaves nothing usable behind (the namespace-deletion process)', () => {
  let app: TestApp;
  let sim: RuntimeSimulator;
  const runtime = new RuntimeClient({ timeoutMs: 2000 });
  beforeAll(async () => {
    app = await startTestApp();
    [sim] = await startSimulators(1, 'deletion');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it('revokes its dwr_ credentials on the target, disables its runtime namespace and deletes the bindings on it', async () => {
    const { api } = await createOrganization(app, 'deleting');
    const target = await registerTarget(api, sim);
    await createNamespace(api, 'orders', target.id);
    const placed = await api.get('/api/v1/namespaces/orders');
    const runtimeNamespace = placed.body.runtime_namespace as string;
    const issued = await api.post('/api/v1/namespaces/orders/runtime-credentials', { name: 'fleet', role: 'worker' });
    expect(issued.status).toBe(201);
    expect((await runtime.verifyTarget(sim.baseUrl, issued.body.token, runtimeNamespace)).ok).toBe(true);
    const member = await api.post('/api/v1/users', { email: 'dev@deleting.test', organization_role: 'member' });
    const binding = await api.post('/api/v1/role-bindings', { principal_id: member.body.id, role: 'admin', scope: { namespace: 'orders' } });
    expect(binding.status).toBe(201);
    const sibling = await api.post('/api/v1/role-bindings', { principal_id: member.body.id, role: 'viewer', scope: { project: 'commerce' } });
    expect(sibling.status).toBe(201);

    const deleted = await api.delete('/api/v1/namespaces/orders');
    expect(deleted.status).toBe(204);

    expect((await runtime.verifyTarget(sim.baseUrl, issued.body.token, runtimeNamespace)).ok).toBe(false);
    expect(sim.state.credentials.get(issued.body.id)?.revoked_at).toEqual(expect.any(String));
    expect(sim.state.namespaces.get(runtimeNamespace)?.status).toBe('disabled');
    const bindings = (await api.get('/api/v1/role-bindings')).body.role_bindings as { id: string }[];
    expect(bindings.map((b) => b.id)).toEqual([sibling.body.id]);
    const released = await eventsOfType(app, 'RuntimeNamespaceReleased');
    expect(released.map((e) => (e.data as { runtime_namespace: string }).runtime_namespace)).toContain(runtimeNamespace);

    // A namespace created again under the same name inherits no access.
    await createNamespace(api, 'orders', target.id);
    expect((await api.get('/api/v1/role-bindings')).body.role_bindings.map((b: { id: string }) => b.id)).toEqual([sibling.body.id]);
    expect((await api.get('/api/v1/namespaces/orders')).body).toMatchObject({ runtime_namespace: runtimeNamespace, provisioning: { status: 'provisioned' } });
    expect(sim.state.namespaces.get(runtimeNamespace)?.status).toBe('active');
  });

  it('lets one name be deleted, created and assigned to one target twenty times', async () => {
    const { api } = await createOrganization(app, 'cycling');
    const target = await registerTarget(api, sim);
    const names = new Set<string>();
    for (let cycle = 0; cycle < 20; cycle++) {
      await createNamespace(api, 'cycle');
      const assigned = await api.put('/api/v1/namespaces/cycle/runtime-target', { runtime_target_id: target.id });
      expect([cycle, assigned.status, assigned.body.provisioning?.status]).toEqual([cycle, 200, 'provisioned']);
      names.add(assigned.body.runtime_namespace);
      expect((await api.delete('/api/v1/namespaces/cycle')).status).toBe(204);
    }
    expect(names.size).toBe(1);
  });
});
