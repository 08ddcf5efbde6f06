import { sql } from 'kysely';
import { RuntimeSimulator, startRuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { ControlPlaneChild, startControlPlaneChild } from '../support/control-plane-child';
import { client, TEST_OPERATOR_TOKEN } from '../support/test-app';
import { describeOnPostgres, openTestStorage, TestStorage } from '../support/test-storage';
import { waitUntilAsync } from '../support/wait';

/**
 * Two control planes on one database share the work through leases: one runs every projector and
 * process type, the other stands by and takes all of them over once the holder is killed.
 */
jest.setTimeout(300_000);

describeOnPostgres('standby takeover of projectors and processes (PostgreSQL: two control-plane processes on one database)', () => {
  let storage: TestStorage;
  let sim: RuntimeSimulator;
  const children: ControlPlaneChild[] = [];
  beforeAll(async () => {
    storage = await openTestStorage();
    sim = await startRuntimeSimulator({ serverId: 'takeover-sim' });
  });
  afterAll(async () => {
    for (const child of children) await child.kill();
    await sim.close();
    await storage.close();
  });

  const holders = async () => (await sql<{ name: string; holder: string }>`select name, holder from leases where expires_at > now()`.execute(storage.db)).rows;
  const heldBy = async (pid: number) => (await holders()).filter((l) => l.holder.startsWith(`${pid}-`)).length;
  const leaseNames = async () => (await sql<{ name: string }>`select name from leases`.execute(storage.db)).rows.map((r) => r.name);

  it('moves every lease to the standby within 10 s of the holder\'s death, and nothing is applied or carried out twice', async () => {
    const first = await startControlPlaneChild(storage.url as string, { DWC_LEASE_TTL_MS: '3000' });
    children.push(first);
    const names = await leaseNames();
    await waitUntilAsync(async () => (await heldBy(first.child.pid as number)) === names.length && names.length > 0, 20_000, 50);
    expect(names).toEqual(expect.arrayContaining(['projector:projects', 'process:namespace-provisioning', 'process:namespace-deletion']));

    const second = await startControlPlaneChild(storage.url as string, { DWC_LEASE_TTL_MS: '3000' });
    children.push(second);
    expect((await fetch(`${second.baseUrl}/health/ready`)).status).toBe(200);
    expect(await heldBy(second.child.pid as number)).toBe(0);

    const operator = client(first.baseUrl, TEST_OPERATOR_TOKEN);
    const org = await operator.post('/api/v1/operator/organizations', { name: 'takeover', owner_email: 'owner@takeover.test' });
    const api = client(first.baseUrl, org.body.api_key.token);
    await api.post('/api/v1/projects', { name: 'before' });

    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    await waitUntilAsync(async () => (await heldBy(second.child.pid as number)) === names.length, 10_000, 50);
    expect(Date.now() - killedAt).toBeLessThan(10_000);

    // The survivor runs the projectors and the processes: a new project shows, a placement is provisioned.
    const survivor = client(second.baseUrl, org.body.api_key.token);
    expect((await survivor.post('/api/v1/projects', { name: 'after' })).status).toBe(201);
    const target = await survivor.post('/api/v1/runtime-targets', {
      name: 'sim', base_url: sim.baseUrl, region: 'eu-west-1', provider: 'aws', credential: sim.tokens.admin,
    });
    await survivor.post('/api/v1/projects/after/environments', { name: 'prod' });
    const ns = await survivor.post('/api/v1/projects/after/environments/prod/namespaces', { name: 'orders', runtime_target_id: target.body.id });
    expect(ns.status).toBe(201);
    expect(ns.body.provisioning).toEqual({ status: 'provisioned', detail: null });
    expect((await survivor.get('/api/v1/projects')).body.projects.map((p: { name: string }) => p.name).sort()).toEqual(['after', 'before']);

    const count = async (query: ReturnType<typeof sql<{ n: string }>>) => Number((await query.execute(storage.db)).rows[0].n);
    expect(await count(sql<{ n: string }>`select count(*) as n from projects`)).toBe(await count(sql<{ n: string }>`select count(*) as n from es_events where type = 'ProjectCreated'`));
    expect(await count(sql<{ n: string }>`select count(*) as n from es_events where type = 'NamespaceProvisioned'`)).toBe(1);
    expect(await count(sql<{ n: string }>`select count(*) as n from es_events where type = 'ProcessInputRecorded' and data->'input'->>'kind' = 'effect_succeeded' and data->'input'->>'effect' = 'ensure_runtime_namespace'`)).toBe(1);
  });
});
