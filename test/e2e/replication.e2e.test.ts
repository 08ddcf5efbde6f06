import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { createNamespace, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { Client, createOrganization, startTestApp, TestApp } from '../support/test-app';
import { waitUntilAsync } from '../support/wait';

interface SseEvent { id: string | null; event: string; data: Record<string, unknown> }

/** Reads a text/event-stream into `events` until aborted. */
function listen(url: string, token: string, events: SseEvent[], signal: AbortSignal, lastEventId?: string): Promise<void> {
  return (async () => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
        if (fields.event) events.push({ id: fields.id ?? null, event: fields.event, data: JSON.parse(fields.data) });
      }
    }
  })().catch((error: unknown) => {
    if (!signal.aborted) throw error;
  });
}

describe('multi-region replication: failover and failback between two simulators at a 1 s interval', () => {
  let app: TestApp;
  let home: RuntimeSimulator;
  let secondary: RuntimeSimulator;
  let third: RuntimeSimulator;
  const previous = process.env.DWC_REPLICATION_CHECK_INTERVAL_MS;
  beforeAll(async () => {
    process.env.DWC_REPLICATION_CHECK_INTERVAL_MS = '1000';
    app = await startTestApp({ runtimeTimeoutMs: 1000 });
    [home, secondary, third] = await startSimulators(3, 'repl');
  });
  afterAll(async () => {
    await Promise.all([home.close(), secondary.close(), third.close()]);
    await app.close();
    if (previous === undefined) delete process.env.DWC_REPLICATION_CHECK_INTERVAL_MS;
    else process.env.DWC_REPLICATION_CHECK_INTERVAL_MS = previous;
  });

  const replication = async (api: Client) => (await api.get('/api/v1/namespaces/orders/replication')).body as Record<string, any>;

  it('enrolls, fails over when the home target goes down, forwards to the secondary, demotes the old primary once back, and fails back', async () => {
    // A 1 s interval: two failed checks, the switch, three healthy checks and the switch back take about 20 s.
    const { api, api_key } = await createOrganization(app, 'replicated');
    const homeTarget = await registerTarget(api, home, { region: 'eu-west-1' });
    const secondaryTarget = await registerTarget(api, secondary, { region: 'eu-central-1' });
    const sameRegion = await registerTarget(api, third, { region: 'eu-west-1' });
    const ns = await createNamespace(api, 'orders', homeTarget.id) as { runtime_namespace: string };
    const runtimeNamespace = ns.runtime_namespace;

    expect((await api.get('/api/v1/namespaces/orders/replication')).status).toBe(404);
    const refused = await api.put('/api/v1/namespaces/orders/replication', { secondary_runtime_target_id: sameRegion.id });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/another region/);
    const otherProvider = await registerTarget(api, third, { region: 'us-east-1', provider: 'gcp', name: 'gcp one' });
    expect((await api.put('/api/v1/namespaces/orders/replication', { secondary_runtime_target_id: otherProvider.id })).body.detail).toMatch(/provider/);
    expect((await api.put('/api/v1/namespaces/orders/replication', { secondary_runtime_target_id: secondaryTarget.id, failover_after_failed_checks: 0 })).status).toBe(422);

    const enrolled = await api.put('/api/v1/namespaces/orders/replication', { secondary_runtime_target_id: secondaryTarget.id });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body).toMatchObject({
      state: 'healthy', current_primary: { id: homeTarget.id }, home_primary: { id: homeTarget.id }, secondary_region: 'eu-central-1',
      automatic_failover: true, epoch: 0, failover_after_failed_checks: 2, failback_after_healthy_checks: 3,
    });
    expect((await api.get('/api/v1/namespaces/orders')).body.replication).toMatchObject({ current_primary: { id: homeTarget.id } });

    const controller = new AbortController();
    const events: SseEvent[] = [];
    const listening = listen(`${app.baseUrl}/api/v1/namespaces/orders/replication/events`, api_key.token, events, controller.signal);
    try {
      // The secondary gets the runtime namespace in the secondary role; checks are recorded every second.
      await waitUntilAsync(async () => secondary.state.replicationOf(runtimeNamespace).role === 'secondary' && (await replication(api)).saga.checks >= 2, 15_000, 100);
      const dry = await api.post('/api/v1/namespaces/orders/replication/failback?dry_run=true', {});
      expect(dry.body).toMatchObject({ go: false });

      await home.faults.down();
      const downAt = Date.now();
      await waitUntilAsync(async () => (await replication(api)).current_primary.id === secondaryTarget.id, 20_000, 100);
      const failedOver = await replication(api);
      expect(failedOver).toMatchObject({ state: 'failed_over', epoch: 1 });
      expect(Date.now() - downAt).toBeGreaterThan(0);
      expect(secondary.state.replicationOf(runtimeNamespace)).toMatchObject({ role: 'primary', epoch: 1 });

      // A forwarded workflow start lands on the secondary; /connection answers it at once.
      const started = await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: 'wf-after-failover' });
      expect(started.status).toBe(201);
      expect(secondary.state.getWorkflow(runtimeNamespace, 'wf-after-failover')).toBeDefined();
      expect((await api.get('/api/v1/namespaces/orders/connection')).body).toMatchObject({ runtime_base_url: secondary.baseUrl, region: 'eu-central-1' });

      // The home target comes back: it is demoted with the new epoch before anything else, then failback happens.
      await home.faults.up();
      await waitUntilAsync(async () => (await replication(api)).current_primary.id === homeTarget.id, 30_000, 100);
      const back = await replication(api);
      expect(back).toMatchObject({ state: 'healthy', epoch: 2 });
      expect(home.state.replicationOf(runtimeNamespace)).toMatchObject({ role: 'primary', epoch: 2 });
      expect(secondary.state.replicationOf(runtimeNamespace)).toMatchObject({ role: 'secondary', epoch: 2 });
      const again = await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: 'wf-after-failback' });
      expect({ status: again.status, body: again.body }).toMatchObject({ status: 201 });
      expect(home.state.getWorkflow(runtimeNamespace, 'wf-after-failback')).toBeDefined();
      // Each switch says why.
      const failover = back.recent_switches.find((s: Record<string, any>) => s.type === 'ReplicationSwitchStarted' && s.kind === 'failover');
      expect(failover).toMatchObject({ manual: false, decision: { action: 'failover', home_consecutive_failed: 2, thresholds: { failover_after_failed_checks: 2 } } });
      expect(failover.decision.home_failing_for_ms).toBeGreaterThanOrEqual(900);

      await waitUntilAsync(async () => events.some((e) => e.event === 'ReplicationSwitchCompleted' && e.data.kind === 'failback'), 5000, 50);
    } finally {
      controller.abort();
      await listening;
    }
    // The stream starts with the state, then every step in order, ids increasing.
    expect(events[0].event).toBe('state');
    const steps = events.slice(1).filter((e) => e.event !== 'ReplicationCheckRecorded').map((e) => `${e.event}${e.data.kind ? `:${e.data.kind}` : ''}${e.data.outcome ? `:${e.data.outcome}` : ''}`);
    expect(steps).toEqual([
      'ReplicationSwitchStarted:failover', 'ReplicationOldPrimaryDemoted:unreachable', 'ReplicationNewPrimaryPromoted', 'ReplicationRoutingSwitched', 'ReplicationSwitchCompleted:failover',
      'ReplicationOldPrimaryDemoted:demoted',
      'ReplicationSwitchStarted:failback', 'ReplicationOldPrimaryDemoted:demoted', 'ReplicationNewPrimaryPromoted', 'ReplicationRoutingSwitched', 'ReplicationSwitchCompleted:failback',
    ]);
    const ids = events.slice(1).map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);

    // Resuming with Last-Event-ID replays what came after it, after the current state.
    const resumed: SseEvent[] = [];
    const resume = new AbortController();
    const middle = events.find((e) => e.event === 'ReplicationRoutingSwitched')!;
    const again = listen(`${app.baseUrl}/api/v1/namespaces/orders/replication/events`, api_key.token, resumed, resume.signal, middle.id!);
    await waitUntilAsync(async () => resumed.some((e) => e.event === 'ReplicationSwitchCompleted' && e.data.kind === 'failback'), 5000, 50);
    resume.abort();
    await again;
    expect(resumed[0].event).toBe('state');
    expect(Number(resumed[1].id)).toBe(Number(middle.id) + 1);

    // Manual control: failover with accept_lag over a lag above the limit; PATCH turns automatic failover off.
    const off = await api.patch('/api/v1/namespaces/orders/replication', { automatic_failover: false });
    expect(off.body.automatic_failover).toBe(false);
    secondary.faults.lag(120, runtimeNamespace);
    await waitUntilAsync(async () => (await replication(api)).lag_seconds === 120, 10_000, 100);
    const lagged = await api.post('/api/v1/namespaces/orders/replication/failover', { reason: 'drill' });
    expect(lagged.status).toBe(409);
    expect(lagged.body.reasons.join(' ')).toMatch(/lag 120 s/);
    const dryGo = await api.post('/api/v1/namespaces/orders/replication/failover?dry_run=true', { accept_lag: true });
    expect(dryGo.body).toEqual({ go: true, reasons: [], predicted_rpo_seconds: 120 });
    const manual = await api.post('/api/v1/namespaces/orders/replication/failover', { accept_lag: true, reason: 'drill' });
    expect(manual.status).toBe(202);
    await waitUntilAsync(async () => (await replication(api)).current_primary.id === secondaryTarget.id, 10_000, 100);
    const audit = (await api.get('/api/v1/audit-log?action=ReplicationSwitchStarted')).body;
    expect(JSON.stringify(audit)).toContain('ReplicationSwitchStarted');
    // Leaving while failed over is refused; after a manual failback the pair can be left.
    expect((await api.delete('/api/v1/namespaces/orders/replication')).status).toBe(409);
  }, 180_000);
});
