import { RuntimeSimulator, startRuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { ControlPlaneChild, startControlPlaneChild } from '../support/control-plane-child';
import { client, Client, TEST_OPERATOR_TOKEN } from '../support/test-app';
import { describeOnPostgres, openTestStorage, TestStorage } from '../support/test-storage';
import { waitUntilAsync } from '../support/wait';

/**
 * The replication saga killed (kill -9, a crash point) between steps of a failover and restarted on the
 * same PostgreSQL database: the failover completes once, with one epoch, and the failback after it.
 */
describeOnPostgres('replication saga killed between steps and restarted (PostgreSQL)', () => {
  let storage: TestStorage;
  let current: ControlPlaneChild | undefined;
  let cases = 0;
  const env = { DWC_REPLICATION_CHECK_INTERVAL_MS: '1000', DWC_RUNTIME_TIMEOUT_MS: '2000' };

  beforeAll(async () => { storage = await openTestStorage(); });
  afterAll(async () => {
    await current?.kill();
    await storage.close();
  });

  async function start(extra: Record<string, string> = {}): Promise<ControlPlaneChild> {
    if (current && current.child.exitCode === null && current.child.signalCode === null) {
      current.child.kill('SIGTERM');
      await current.exited;
    }
    current = await startControlPlaneChild(storage.url as string, { ...env, ...extra });
    return current;
  }

  const CRASH_POINTS = [
    'process:replication-saga:effect:replication_command:done@4',
    'process:replication-saga:effect:set_replica_role:done@1',
    'process:replication-saga:recorded@12',
    'process:replication-saga:effect:probe_replicas:done@4',
  ];

  it.each(CRASH_POINTS)('failover and failback complete exactly once, crash at %p', async (crashAt) => {
    cases += 1;
    const [home, secondary] = await Promise.all([startRuntimeSimulator({ serverId: `crash-home-${cases}` }), startRuntimeSimulator({ serverId: `crash-sec-${cases}` })]);
    try {
      const cp = await start();
      const created = await client(cp.baseUrl, TEST_OPERATOR_TOKEN).post('/api/v1/operator/organizations', { name: `repl crash ${cases}`, owner_email: `o${cases}@repl.test` });
      const token = created.body.api_key.token as string;
      const api = (c: ControlPlaneChild): Client => client(c.baseUrl, token);
      const register = async (sim: RuntimeSimulator, region: string) => (await api(cp).post('/api/v1/runtime-targets', {
        name: `sim ${region}`, base_url: sim.baseUrl, region, provider: 'aws', credential: sim.tokens.admin,
      })).body.id as string;
      const homeId = await register(home, 'eu-west-1');
      const secondaryId = await register(secondary, 'eu-central-1');
      await api(cp).post('/api/v1/projects', { name: 'shop' });
      await api(cp).post('/api/v1/projects/shop/environments', { name: 'prod' });
      const ns = await api(cp).post('/api/v1/projects/shop/environments/prod/namespaces', { name: 'orders', runtime_target_id: homeId });
      const runtimeNamespace = ns.body.runtime_namespace as string;
      await waitUntilAsync(async () => (await api(cp).get('/api/v1/namespaces/orders')).body.provisioning?.status === 'provisioned', 20_000, 100);
      expect((await api(cp).put('/api/v1/namespaces/orders/replication', { secondary_runtime_target_id: secondaryId })).status).toBe(200);

      // The home target goes down; a control plane that kills itself at the crash point runs the saga.
      await home.faults.down();
      const crashing = await start({ DWC_FAULT_CRASH_AT: crashAt });
      const signal = await Promise.race([crashing.exited, new Promise((resolve) => setTimeout(() => resolve('alive'), 30_000))]);
      expect([crashAt, signal]).toEqual([crashAt, 'SIGKILL']);

      const restarted = await start();
      const view = async () => (await api(restarted).get('/api/v1/namespaces/orders/replication')).body;
      await waitUntilAsync(async () => (await view()).current_primary?.id === secondaryId, 40_000, 100);
      expect(await view()).toMatchObject({ epoch: 1, state: 'failed_over' });
      expect(secondary.state.replicationOf(runtimeNamespace)).toMatchObject({ role: 'primary', epoch: 1 });

      await home.faults.up();
      await waitUntilAsync(async () => (await view()).current_primary?.id === homeId && (await view()).saga.switch === null, 40_000, 100);
      const back = await view();
      expect(back.epoch).toBe(2);
      expect(home.state.replicationOf(runtimeNamespace)).toMatchObject({ role: 'primary', epoch: 2 });
      expect(secondary.state.replicationOf(runtimeNamespace)).toMatchObject({ role: 'secondary', epoch: 2 });
      // Exactly one failover and one failback were started, whatever was repeated after the crash.
      const started = back.recent_switches.filter((s: { type: string }) => s.type === 'ReplicationSwitchStarted');
      expect(started.map((s: { kind: string; epoch: number }) => `${s.kind}@${s.epoch}`)).toEqual(['failback@2', 'failover@1']);
    } finally {
      await Promise.all([home.close(), secondary.close()]);
    }
  }, 180_000);
});
