import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { RuntimeTargetProber } from '../../apps/control-plane/src/runtime-targets/health-prober';
import { createNamespace, eventsOfType, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { TestClock } from '../support/clock';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

/**
 * The application and the simulators run on one test clock, fixed 30 s into a minute: windows are
 * whole minutes from the current one, and no step can cross a minute boundary while the test runs.
 */
const clock = new TestClock(Date.parse('2026-05-17T12:00:30Z'));
/** A window in whole minutes from the current one (0: the minute now is in, which ends 30 s from now). */
const minute = (offsetMinutes: number) => new Date(Math.floor(clock.now().getTime() / 60_000) * 60_000 + offsetMinutes * 60_000).toISOString();
const record = (record_id: string, namespace: string, from: number | string, to?: string, action_type = 'workflow_start') => ({
  record_id, namespace, action_type, quantity: 2,
  window_start: typeof from === 'string' ? from : minute(from), window_end: to ?? minute((typeof from === 'number' ? from : 0) + 1),
});
const inMs = (ms: number) => clock.in(ms);

describe('usage records from runtime targets', () => {
  let app: TestApp;
  let sims: RuntimeSimulator[];
  beforeAll(async () => {
    app = await startTestApp({ probeIntervalMs: 0, clock: clock.now });
    sims = await startSimulators(2, 'usage', { clock: clock.now });
  });
  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.close()));
    await app.close();
  });

  it('accepts pushed usage only with the target\'s ingest token, for namespaces it served during each window', async () => {
    const { api } = await createOrganization(app, 'metered');
    const targetA = await registerTarget(api, sims[0]);
    const targetB = await registerTarget(api, sims[1]);
    const runtimeNamespace = (await createNamespace(api, 'orders', targetA.id)).runtime_namespace as string;
    const ingestA = client(app.baseUrl, targetA.ingest_token);
    const ingestB = client(app.baseUrl, targetB.ingest_token);

    const pushed = await ingestA.post('/api/v1/usage-records', { records: [
      record('a-1', runtimeNamespace, 0),
      record('a-2', 'not-a-namespace', 0),
      record('a-3', runtimeNamespace, -120),
      { record_id: 'a-4', namespace: runtimeNamespace, action_type: 'teleport', quantity: 1, window_start: minute(0), window_end: minute(1) },
    ] });
    expect(pushed.status).toBe(200);
    expect(pushed.body).toMatchObject({ runtime_target_id: targetA.id, accepted: 1, rejected: 3 });
    expect(pushed.body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected', 'rejected', 'rejected']);
    // Another target cannot report for a namespace it does not serve.
    expect((await ingestB.post('/api/v1/usage-records', { records: [record('b-1', runtimeNamespace, 0)] })).body.rejected).toBe(1);
    // Re-sending is idempotent by record id.
    expect((await ingestA.post('/api/v1/usage-records', { records: [record('a-1', runtimeNamespace, 0)] })).body.results).toEqual([{ record_id: 'a-1', status: 'accepted' }]);

    // Only ingest tokens: API keys, the operator token and nothing at all are refused (401) and recorded.
    const deniedBefore = (await eventsOfType(app, 'AccessDenied')).length;
    for (const caller of [api, client(app.baseUrl, app.operatorToken), client(app.baseUrl), client(app.baseUrl, `dwi_${'x'.repeat(43)}`)]) {
      const refused = await caller.post('/api/v1/usage-records', { records: [record('z-1', runtimeNamespace, 0)] });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await eventsOfType(app, 'AccessDenied')).length).toBe(deniedBefore + 4);

    // After a migration the old target's usage still counts for the windows it served, not later ones.
    await api.post('/api/v1/namespaces/orders/migrations', { to_runtime_target_id: targetB.id, reason: 'rebalance' });
    const runtimeNamespaceB = (await api.get('/api/v1/namespaces/orders')).body.runtime_namespace as string;
    // Usage after the migration starts one second later on the clock.
    clock.advance(1000);
    const late = await ingestA.post('/api/v1/usage-records', { records: [record('a-5', runtimeNamespace, 0), record('a-6', runtimeNamespace, inMs(0), inMs(30_000))] });
    expect(late.body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected']);
    expect(late.body.results[1].errors).toEqual([expect.objectContaining({ field: 'namespace' })]);
    expect((await ingestB.post('/api/v1/usage-records', { records: [record('b-2', runtimeNamespaceB, inMs(0), inMs(30_000))] })).body.accepted).toBe(1);

    const recorded = (await eventsOfType(app, 'UsageRecorded')).map((e) => e.data as { record_id: string; namespace: string; runtime_target_id: string });
    expect(recorded.map((r) => [r.record_id, r.namespace, r.runtime_target_id])).toEqual([
      ['a-1', 'orders', targetA.id], ['a-5', 'orders', targetA.id], ['b-2', 'orders', targetB.id],
    ]);
  });

  it('pulls each ready target\'s usage feed on the prober\'s schedule from a durable cursor', async () => {
    const { api } = await createOrganization(app, 'pulled');
    const target = await registerTarget(api, sims[0]);
    const runtimeNamespace = (await createNamespace(api, 'payments', target.id)).runtime_namespace as string;
    const prober = app.app.get(RuntimeTargetProber);
    await prober.runRound();
    const start = sims[0].pushUsage({ namespace: runtimeNamespace, action_type: 'workflow_start', quantity: 3 });
    const signal = sims[0].pushUsage({ namespace: runtimeNamespace, action_type: 'signal' });
    await prober.runRound();
    const ours = async () => (await eventsOfType(app, 'UsageRecorded')).map((e) => e.data as { record_id: string; namespace: string })
      .filter((r) => r.namespace === 'payments');
    expect((await ours()).map((r) => r.record_id)).toEqual([start.record_id, signal.record_id]);
    const pulledBefore = sims[0].requestsTo('GET', '/api/system/usage').length;
    await prober.runRound();
    const asked = sims[0].requestsTo('GET', '/api/system/usage').slice(pulledBefore);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((r) => r.query.after !== undefined)).toBe(true);
    expect(await ours()).toHaveLength(2);
    const cursor = await app.storage.db.selectFrom('usage_pull_cursors').selectAll().where('runtime_target_id', '=', target.id).executeTakeFirst();
    expect(cursor?.cursor).toBe(String(signal.sequence));

    // A target that is not ready is not pulled from.
    sims[0].faults.notReady();
    try {
      const before = sims[0].requestsTo('GET', '/api/system/usage').length;
      await prober.runRound();
      expect(sims[0].requestsTo('GET', '/api/system/usage').length).toBe(before);
    } finally {
      sims[0].faults.notReady(false);
    }
  });
});
