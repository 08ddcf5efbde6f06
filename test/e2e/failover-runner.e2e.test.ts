import { sql } from 'kysely';
import { RuntimeSimulator, startRuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { ControlPlaneChild, FailoverRunnerChild, startControlPlaneChild, startFailoverRunnerChild } from '../support/control-plane-child';
import { client, TEST_OPERATOR_TOKEN } from '../support/test-app';
import { describeOnPostgres, openTestStorage, TestStorage } from '../support/test-storage';
import { waitUntilAsync } from '../support/wait';

/**
 * The distributed deployment: the API runs with DWC_EMBEDDED_PROCESSES=false and apps/failover (the
 * process managers without the HTTP API) runs beside it on the same PostgreSQL database. The runner,
 * not the API, provisions the namespace, checks both targets and fails over when the home target goes
 * down.
 */
describeOnPostgres('failover runner (apps/failover) beside an API without embedded processes (PostgreSQL)', () => {
  let storage: TestStorage;
  let api: ControlPlaneChild | undefined;
  let runner: FailoverRunnerChild | undefined;
  let home: RuntimeSimulator;
  let secondary: RuntimeSimulator;
  const env = { DWC_REPLICATION_CHECK_INTERVAL_MS: '1000', DWC_RUNTIME_TIMEOUT_MS: '2000' };

  beforeAll(async () => {
    storage = await openTestStorage();
    [home, secondary] = await Promise.all([startRuntimeSimulator({ serverId: 'runner-home' }), startRuntimeSimulator({ serverId: 'runner-sec' })]);
  });
  afterAll(async () => {
    await runner?.stop();
    await api?.kill();
    await Promise.all([home?.close(), secondary?.close()]);
    await storage?.close();
  });

  it('provisions and fails over only once the runner runs, holding the saga\'s lease, and stops cleanly on SIGTERM', async () => {
    api = await startControlPlaneChild(storage.url as string, { ...env, DWC_EMBEDDED_PROCESSES: 'false', DWC_CONSISTENCY_WAIT_MS: '500' });
    const created = await client(api.baseUrl, TEST_OPERATOR_TOKEN).post('/api/v1/operator/organizations', { name: 'runner', owner_email: 'o@runner.test' });
    const org = client(api.baseUrl, created.body.api_key.token as string);
    const register = async (sim: RuntimeSimulator, region: string) => (await org.post('/api/v1/runtime-targets', {
      name: `sim ${region}`, base_url: sim.baseUrl, region, provider: 'aws', credential: sim.tokens.admin,
    })).body.id as string;
    const homeId = await register(home, 'eu-west-1');
    const secondaryId = await register(secondary, 'eu-central-1');
    await org.post('/api/v1/projects', { name: 'shop' });
    await org.post('/api/v1/projects/shop/environments', { name: 'prod' });

    // No process runs in the API: provisioning waits (202, not provisioned) and the target has seen nothing.
    const ns = await org.post('/api/v1/projects/shop/environments/prod/namespaces', { name: 'orders', runtime_target_id: homeId });
    expect(ns.status).toBe(202);
    expect(ns.body.provisioning.status).not.toBe('provisioned');
    const runtimeNamespace = ns.body.runtime_namespace as string;
    expect(home.state.namespaces.has(runtimeNamespace)).toBe(false);

    runner = await startFailoverRunnerChild(storage.url as string, env);
    await waitUntilAsync(async () => (await org.get('/api/v1/namespaces/orders')).body.provisioning?.status === 'provisioned', 30_000, 100);
    expect((await org.put('/api/v1/namespaces/orders/replication', { secondary_runtime_target_id: secondaryId })).status).toBe(200);
    const view = async () => (await org.get('/api/v1/namespaces/orders/replication')).body;
    await waitUntilAsync(async () => (await view()).saga.checks >= 1, 20_000, 100);
    // The saga's lease is the runner's (holders are `<pid>-<uuid>`).
    const lease = await sql<{ holder: string }>`select holder from leases where name = 'process:replication-saga'`.execute(storage.db);
    expect(lease.rows.map((r) => r.holder.split('-')[0])).toEqual([String(runner.child.pid)]);

    await home.faults.down();
    await waitUntilAsync(async () => (await view()).current_primary?.id === secondaryId && (await view()).saga.switch === null, 30_000, 100);
    expect(await view()).toMatchObject({ state: 'failed_over', epoch: 1 });
    expect(secondary.state.replicationOf(runtimeNamespace)).toMatchObject({ role: 'primary', epoch: 1 });
    // The API routes to the new primary at once.
    expect((await org.get('/api/v1/namespaces/orders/connection')).body).toMatchObject({ runtime_base_url: secondary.baseUrl, region: 'eu-central-1' });

    expect(await runner.stop()).toEqual({ code: 0, signal: null });
    runner = undefined;
  }, 180_000);
});
