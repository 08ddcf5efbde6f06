import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { sql } from 'kysely';
import { RuntimeTargetProber } from '../../apps/control-plane/src/runtime-targets/health-prober';
import { createNamespace, eventsOfType, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { createOrganization, startTestApp, TestApp } from '../support/test-app';
import { waitUntilAsync } from '../support/wait';

describe('forwarding when the runtime target fails', () => {
  let app: TestApp;
  let sim: RuntimeSimulator;
  beforeAll(async () => {
    app = await startTestApp({ runtimeTimeoutMs: 400, probeIntervalMs: 0 });
    [sim] = await startSimulators(1, 'fault');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  /** Committed event types of an organization, in log order (read from the table: see eventsOfType). */
  const organizationEvents = async (organizationId: string) =>
    (await sql<{ type: string }>`select type from es_events where organization_id = ${organizationId} order by transaction_id, global_position`
      .execute(app.storage.db)).rows.map((row) => row.type);

  it('answers 502 while the target is down and 504 while it hangs, records the facts, and changes nothing else', async () => {
    const { api, organization } = await createOrganization(app, 'faults');
    const target = await registerTarget(api, sim);
    await createNamespace(api, 'orders', target.id);
    const namespaceBefore = (await api.get('/api/v1/namespaces/orders')).body;
    const before = await organizationEvents(organization.id);

    await sim.faults.down();
    try {
      const down = await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: 'wf-down' });
      expect(down.status).toBe(502);
      expect(down.headers.get('content-type')).toContain('application/problem+json');
      expect(down.body).toMatchObject({ status: 502, runtime_target_id: target.id });
      expect(down.headers.get('x-dwc-audit-id')).toMatch(/^aud_/);
    } finally {
      await sim.faults.up();
    }
    sim.faults.hang();
    try {
      const hung = await api.post('/api/v1/namespaces/orders/runtime/workflows/wf-1/signal/go', { input: [] });
      expect(hung.status).toBe(504);
      expect(hung.body.type).toMatch(/runtime-timeout$/);
    } finally {
      sim.faults.hang(false);
    }

    const facts = (await api.get('/api/v1/namespaces/orders/runtime-commands')).body.runtime_commands;
    expect(facts).toMatchObject([
      { auth_outcome: 'allowed', runtime_target_id: target.id, runtime_status: null, runtime_outcome: 'timeout' },
      { auth_outcome: 'allowed', runtime_target_id: target.id, runtime_status: null, runtime_outcome: 'unreachable' },
    ]);
    // Only the two commands' acceptances and outcomes were appended: no placement, namespace or target event.
    expect((await organizationEvents(organization.id)).slice(before.length))
      .toEqual(['RuntimeCommandAccepted', 'RuntimeCommandForwarded', 'RuntimeCommandAccepted', 'RuntimeCommandForwarded']);
    const namespaceAfter = (await api.get('/api/v1/namespaces/orders')).body;
    expect(namespaceAfter).toEqual(namespaceBefore);
    // And it works again once the target is back.
    expect((await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: 'wf-back' })).status).toBe(201);
  });

  it('records a failed provisioning with its reason when the target is down at assignment, and a retry provisions it', async () => {
    const { api } = await createOrganization(app, 'provisioning');
    const target = await registerTarget(api, sim);
    await createNamespace(api, 'orders');
    await sim.faults.down();
    let failed;
    try {
      failed = await api.put('/api/v1/namespaces/orders/runtime-target', { runtime_target_id: target.id });
    } finally {
      await sim.faults.up();
    }
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ active_runtime_target: { id: target.id }, provisioning: { status: 'failed', detail: expect.stringMatching(/^unreachable/) } });
    const [event] = (await eventsOfType(app, 'NamespaceProvisioningFailed')).slice(-1);
    expect(event.data).toMatchObject({ reason: 'unreachable', attempts: 3 });
    const retried = await api.put('/api/v1/namespaces/orders/runtime-target', { runtime_target_id: target.id });
    expect(retried.body.provisioning).toEqual({ status: 'provisioned', detail: null });
    expect(sim.state.namespaces.has(retried.body.runtime_namespace)).toBe(true);
  });
});

describe('the readiness prober', () => {
  let app: TestApp;
  let sim: RuntimeSimulator;
  beforeAll(async () => {
    app = await startTestApp({ probeIntervalMs: 50, runtimeTimeoutMs: 300 });
    [sim] = await startSimulators(1, 'probed');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it('marks a target unhealthy and healthy again, appending an event on each change only', async () => {
    const { api } = await createOrganization(app, 'prober');
    const target = await registerTarget(api, sim);
    const health = async () => (await api.get(`/api/v1/runtime-targets/${target.id}`)).body.health;
    const changes = async () => (await eventsOfType(app, 'RuntimeTargetHealthChanged')).filter((e) => (e.data as { runtime_target_id: string }).runtime_target_id === target.id);

    await waitUntilAsync(async () => (await health()).status === 'healthy');
    sim.faults.notReady();
    await waitUntilAsync(async () => (await health()).status === 'unhealthy');
    expect((await health()).detail).toMatch(/not_ready/);
    await sim.faults.down();
    // Two rounds that find the target down (joined with the timer's when one is running): still unhealthy, no new change.
    await app.app.get(RuntimeTargetProber).runRound();
    await app.app.get(RuntimeTargetProber).runRound();
    expect((await health()).status).toBe('unhealthy');
    await sim.faults.up();
    sim.faults.notReady(false);
    await waitUntilAsync(async () => (await health()).status === 'healthy');
    const healthy = await health();
    expect(healthy.checked_at).toEqual(expect.any(String));
    // Three more of the timer's probes ran after the last change (the simulator's log restarts with it); still three changes were recorded: unknown → healthy → unhealthy → healthy.
    const probes = sim.requestsTo('GET', '/api/ready').length;
    await waitUntilAsync(async () => sim.requestsTo('GET', '/api/ready').length >= probes + 3);
    expect((await changes()).map((e) => (e.data as { status: string }).status)).toEqual(['healthy', 'unhealthy', 'healthy']);
  });
});
