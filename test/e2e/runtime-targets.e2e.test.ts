import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { startJsonTarget } from '../../libs/runtime-client/src/testing/json-target';
import { createNamespace, eventsOfType, startSimulators } from '../support/runtime-fixtures';
import { Client, createOrganization, startTestApp, TestApp } from '../support/test-app';

const FACT_FIELDS = ['audit_id', 'occurred_at', 'actor', 'capability', 'resource', 'auth_outcome', 'request_fingerprint',
  'runtime_target_id', 'runtime_status', 'runtime_outcome', 'duration_ms'];

describe('runtime targets end to end: register → verify → assign → forward → facts → migrate → forward', () => {
  let app: TestApp;
  let sims: RuntimeSimulator[];
  beforeAll(async () => {
    app = await startTestApp();
    sims = await startSimulators(2, 'walk');
  });
  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.close()));
    await app.close();
  });

  const register = (api: Client, body: Record<string, unknown>) =>
    api.post('/api/v1/runtime-targets', { name: 'target', base_url: sims[0].baseUrl, region: 'eu-west-1', provider: 'aws', credential: sims[0].tokens.admin, ...body });

  it('refuses targets it cannot verify, with the reason, and records nothing', async () => {
    const { api } = await createOrganization(app, 'verify');
    const down = await startSimulators(1, 'down');
    const downUrl = down[0].baseUrl;
    await down[0].close();
    const unreachable = await register(api, { base_url: downUrl });
    expect(unreachable.status).toBe(422);
    expect(unreachable.headers.get('content-type')).toContain('application/problem+json');
    expect(unreachable.body).toMatchObject({ status: 422, reason: 'unreachable', field: 'base_url' });

    const wrongCredential = await register(api, { credential: 'not-the-admin-token' });
    expect(wrongCredential.status).toBe(422);
    expect(wrongCredential.body).toMatchObject({ reason: 'credential_refused', field: 'credential' });
    expect(JSON.stringify(wrongCredential.body)).not.toContain('not-the-admin-token');

    sims[1].faults.wrongProtocol();
    try {
      expect((await register(api, { base_url: sims[1].baseUrl, credential: sims[1].tokens.admin })).body).toMatchObject({ reason: 'unsupported_control_plane_version' });
    } finally {
      sims[1].faults.wrongProtocol(false);
    }

    const noManifest = await startJsonTarget(200, { server_id: 'x', default_namespace: 'default' });
    try {
      expect((await register(api, { base_url: noManifest.baseUrl })).body).toMatchObject({ reason: 'missing_manifest' });
    } finally {
      await noManifest.close();
    }

    for (const base_url of ['ftp://runtime.example.com', `http://user:${sims[0].tokens.admin}@127.0.0.1:1`, 'http://127.0.0.1:1/?x=1', `http://a.test/${'a'.repeat(600)}`]) {
      const response = await register(api, { base_url });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(JSON.stringify(response.body)).not.toContain(sims[0].tokens.admin);
    }
    expect((await api.get('/api/v1/runtime-targets')).body.runtime_targets).toEqual([]);
  });

  it('registers, assigns, forwards, records facts, migrates and forwards to the new target', async () => {
    const { api, organization } = await createOrganization(app, 'walk');
    const [simA, simB] = sims;

    // Register: verified, the credential sealed and never shown, the ingest token shown once.
    const registered = await register(api, { name: 'eu primary', base_url: `${simA.baseUrl}/` });
    expect(registered.status).toBe(201);
    const targetA = registered.body;
    expect(targetA).toMatchObject({
      id: expect.stringMatching(/^rt_/), name: 'eu primary', base_url: simA.baseUrl, region: 'eu-west-1', provider: 'aws', owner: 'organization',
      server_id: 'walk-1', health: { status: 'unknown', checked_at: null, detail: null }, ingest_token: expect.stringMatching(/^dwi_/),
    });
    expect(JSON.stringify(targetA)).not.toContain(simA.tokens.admin);
    const listed = (await api.get('/api/v1/runtime-targets')).body.runtime_targets;
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty('ingest_token');
    expect(JSON.stringify(listed)).not.toContain(simA.tokens.admin);
    const [registeredEvent] = (await eventsOfType(app, 'RuntimeTargetRegistered')).filter((e) => (e.data as { runtime_target_id: string }).runtime_target_id === targetA.id);
    const stored = JSON.stringify({ data: registeredEvent.data, metadata: registeredEvent.metadata });
    expect(stored).not.toContain(simA.tokens.admin);
    expect(stored).not.toContain(targetA.ingest_token);
    const targetB = (await register(api, { name: 'us secondary', base_url: simB.baseUrl, region: 'us-east-1', credential: simB.tokens.admin })).body;

    // Assign: the runtime namespace is created on the target.
    await createNamespace(api, 'orders');
    const assigned = await api.put('/api/v1/namespaces/orders/runtime-target', { runtime_target_id: targetA.id });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({
      name: 'orders', active_runtime_target: { id: targetA.id, base_url: simA.baseUrl, region: 'eu-west-1', provider: 'aws' },
      provisioning: { status: 'provisioned', detail: null },
    });
    const runtimeNamespace: string = assigned.body.runtime_namespace;
    expect(runtimeNamespace).toMatch(/^[a-z0-9._-]{1,63}$/);
    expect(simA.state.namespaces.has(runtimeNamespace)).toBe(true);
    expect((await api.get('/api/v1/namespaces/orders')).body.active_runtime_target).toEqual({ id: targetA.id, base_url: simA.baseUrl, region: 'eu-west-1', provider: 'aws' });
    expect((await api.put('/api/v1/namespaces/orders/runtime-target', { runtime_target_id: targetA.id })).status).toBe(200);
    const again = await api.put('/api/v1/namespaces/orders/runtime-target', { runtime_target_id: targetB.id });
    expect(again.status).toBe(409);

    // Forward a start and a signal; the caller's X-Namespace is overwritten.
    simA.clearRequests();
    const start = await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: 'wf-1', input: [1] },
      { 'x-namespace': 'someone-elses', 'x-correlation-id': 'corr-walk-1' });
    expect(start.status).toBe(201);
    expect(start.body).toMatchObject({ outcome: 'started_new', workflow_id: 'wf-1' });
    const startAudit = start.headers.get('x-dwc-audit-id');
    expect(startAudit).toMatch(/^aud_/);
    const signal = await api.post('/api/v1/namespaces/orders/runtime/workflows/wf-1/signal/approve', { input: ['ok'] });
    expect(signal.status).toBe(202);
    expect(signal.body).toMatchObject({ outcome: 'signal_received' });
    const [seenStart, seenSignal] = simA.requests;
    expect(seenStart).toMatchObject({ method: 'POST', path: '/api/workflows', namespace: runtimeNamespace, role: 'admin', request_id: startAudit, correlation_id: 'corr-walk-1' });
    expect(seenStart.headers['x-namespace']).toBe(runtimeNamespace);
    expect(seenStart.headers['x-durable-workflow-control-plane-version']).toBe('2');
    expect(seenStart.headers.authorization).toBe(`Bearer ${simA.tokens.admin}`);
    expect(seenSignal).toMatchObject({ path: '/api/workflows/wf-1/signal/approve', request_id: signal.headers.get('x-dwc-audit-id') });
    const list = await api.get('/api/v1/namespaces/orders/runtime/workflows');
    expect(list.status).toBe(200);
    expect(list.body.workflows.map((w: { workflow_id: string }) => w.workflow_id)).toEqual(['wf-1']);

    // A path outside the workflow API is refused and recorded.
    const refused = await api.get('/api/v1/namespaces/orders/runtime/namespaces');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(simA.requests).toHaveLength(3);

    // The command facts, newest first, exactly the documented fields.
    const facts = await api.get('/api/v1/namespaces/orders/runtime-commands');
    expect(facts.status).toBe(200);
    const commands = facts.body.runtime_commands;
    expect(commands).toHaveLength(4);
    for (const command of commands) expect(Object.keys(command)).toEqual(FACT_FIELDS);
    expect(commands.map((c: { auth_outcome: string }) => c.auth_outcome)).toEqual(['path_not_allowed', 'allowed', 'allowed', 'allowed']);
    expect(commands[3]).toMatchObject({
      audit_id: startAudit, capability: 'workflows.forward', auth_outcome: 'allowed', runtime_target_id: targetA.id, runtime_status: 201,
      runtime_outcome: 'started_new', request_fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      resource: { namespace: 'orders', method: 'POST', path: '/api/workflows' }, actor: { kind: 'user', display: 'owner@walk.test' },
    });
    expect(commands[2]).toMatchObject({ runtime_status: 202, runtime_outcome: 'signal_received', resource: { path: '/api/workflows/wf-1/signal/approve' } });
    expect(commands[0]).toMatchObject({ runtime_status: null, runtime_outcome: 'not_forwarded', resource: { path: '/api/namespaces' } });
    expect(commands[3].duration_ms).toBeGreaterThan(0);
    const onlyRefused = await api.get('/api/v1/namespaces/orders/runtime-commands?auth_outcome=path_not_allowed');
    expect(onlyRefused.body.runtime_commands).toHaveLength(1);
    const firstPage = await api.get('/api/v1/namespaces/orders/runtime-commands?limit=3');
    expect(firstPage.body.runtime_commands).toHaveLength(3);
    const secondPage = await api.get(`/api/v1/namespaces/orders/runtime-commands?limit=3&cursor=${firstPage.body.next_cursor}`);
    expect(secondPage.body.runtime_commands.map((c: { audit_id: string }) => c.audit_id)).toEqual([startAudit]);
    expect(secondPage.body.next_cursor).toBeNull();
    const future = await api.get('/api/v1/namespaces/orders/runtime-commands?since=2999-01-01T00:00:00Z');
    expect(future.body.runtime_commands).toEqual([]);

    // Migrate with a reason; in-flight runs stay on the old target.
    expect((await api.post('/api/v1/namespaces/orders/migrations', { to_runtime_target_id: targetB.id })).status).toBe(400);
    expect((await api.post('/api/v1/namespaces/orders/migrations', { to_runtime_target_id: targetB.id, reason: '  ' })).status).toBe(422);
    const migrated = await api.post('/api/v1/namespaces/orders/migrations', { to_runtime_target_id: targetB.id, reason: 'move to us-east-1' });
    expect(migrated.status).toBe(201);
    expect(migrated.body).toMatchObject({
      from_runtime_target_id: targetA.id, to_runtime_target_id: targetB.id, reason: 'move to us-east-1', in_flight_runs: 'remain_on_previous_target',
      active_runtime_target: { id: targetB.id, region: 'us-east-1' }, provisioning: { status: 'provisioned' },
    });
    const runtimeNamespaceB: string = migrated.body.runtime_namespace;
    expect(simB.state.namespaces.has(runtimeNamespaceB)).toBe(true);
    expect((await api.get('/api/v1/namespaces/orders')).body.active_runtime_target.id).toBe(targetB.id);

    simA.clearRequests();
    simB.clearRequests();
    const afterMove = await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: 'wf-2' });
    expect(afterMove.status).toBe(201);
    expect(simA.requests).toHaveLength(0);
    expect(simB.requests).toHaveLength(1);
    expect(simB.requests[0]).toMatchObject({ path: '/api/workflows', namespace: runtimeNamespaceB, request_id: afterMove.headers.get('x-dwc-audit-id') });
    expect(simB.requests[0].headers.authorization).toBe(`Bearer ${simB.tokens.admin}`);
    expect(simA.state.getWorkflow(runtimeNamespace, 'wf-1')?.status).toBe('running');

    const history = (await api.get('/api/v1/namespaces/orders/placements')).body.placements;
    expect(history).toMatchObject([
      { runtime_target_id: targetB.id, unassigned_at: null, migration_reason: 'move to us-east-1' },
      { runtime_target_id: targetA.id, unassigned_at: expect.any(String), migration_reason: null },
    ]);
    const [migratedEvent] = (await eventsOfType(app, 'NamespaceMigrated')).filter((e) => e.metadata.organization_id === organization.id);
    expect(migratedEvent.data).toMatchObject({ in_flight_runs: 'remain_on_previous_target', reason: 'move to us-east-1' });
  });

  it('relays the runtime\'s own answers, errors included, and paths longer than one router parameter', async () => {
    const { api } = await createOrganization(app, 'relay');
    const target = (await register(api, {})).body;
    await createNamespace(api, 'orders', target.id);
    // The simulator's router takes path segments of up to 100 characters; together they exceed Cloud's per-parameter limit.
    const id = `wf-${'w'.repeat(97)}`;
    expect((await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: id })).status).toBe(201);
    const signal = await api.post(`/api/v1/namespaces/orders/runtime/workflows/${id}/signal/${'s'.repeat(100)}`, { input: [] });
    expect(signal.status).toBe(202);
    const duplicate = await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: id });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('content-type')).toMatch(/^application\/json/);
    expect(duplicate.body).toMatchObject({ reason: 'instance_already_started', workflow_id: id });
    const missing = await api.get('/api/v1/namespaces/orders/runtime/workflows/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ reason: 'instance_not_found' });
    const facts = (await api.get('/api/v1/namespaces/orders/runtime-commands?limit=2')).body.runtime_commands;
    expect(facts).toMatchObject([
      { runtime_status: 404, runtime_outcome: 'rejected', auth_outcome: 'allowed' },
      { runtime_status: 409, runtime_outcome: 'rejected_duplicate' },
    ]);
  });

  it('places a namespace at creation', async () => {
    const { api } = await createOrganization(app, 'at-create');
    const target = (await register(api, {})).body;
    const created = await createNamespace(api, 'payments', target.id);
    expect(created).toMatchObject({ name: 'payments', active_runtime_target: { id: target.id }, provisioning: { status: 'provisioned' } });
    expect(sims[0].state.namespaces.has(created.runtime_namespace)).toBe(true);
    const unknown = await api.post('/api/v1/projects/commerce/environments/prod/namespaces', { name: 'nowhere', runtime_target_id: 'rt_unknown' });
    expect(unknown.status).toBe(404);
    expect((await api.get('/api/v1/namespaces/nowhere')).status).toBe(404);
  });
});
