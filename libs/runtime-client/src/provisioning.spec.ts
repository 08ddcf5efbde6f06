import { RuntimeSimulator, startRuntimeSimulator } from '../../../apps/runtime-sim/src/simulator';
import { ASSUMED_PATHS } from './assumed-contract';
import { RuntimeClientError, isRuntimeClientError } from './errors';
import { RuntimeClient } from './runtime-client';

describe('RuntimeClient provisioning against the simulator', () => {
  let sim: RuntimeSimulator;
  let admin: string;
  const client = new RuntimeClient({ timeoutMs: 2_000 });

  beforeEach(async () => {
    sim = await startRuntimeSimulator();
    admin = sim.tokens.admin;
  });
  afterEach(async () => {
    await sim.close();
  });

  describe('ensureNamespace', () => {
    it('creates a missing namespace, then finds it, then converges drifted settings', async () => {
      const created = await client.ensureNamespace(sim.baseUrl, admin, { name: 'Acme-Prod', retentionDays: 14 });
      expect(created).toMatchObject({ created: true, namespace: { name: 'acme-prod', retention_days: 14 } });
      const again = await client.ensureNamespace(sim.baseUrl, admin, { name: 'acme-prod', retentionDays: 14 });
      expect(again.created).toBe(false);
      const drifted = await client.ensureNamespace(sim.baseUrl, admin, { name: 'acme-prod', retentionDays: 60, description: 'prod' });
      expect(drifted.namespace).toMatchObject({ retention_days: 60, description: 'prod' });
      expect(sim.state.namespaces.get('acme-prod')?.retention_days).toBe(60);
    });

    it('surfaces refusals as http errors with the runtime reason', async () => {
      const error = await client.ensureNamespace(sim.baseUrl, sim.tokens.operator, { name: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RuntimeClientError);
      expect((error as RuntimeClientError).status).toBe(403);
      expect((error as RuntimeClientError).reason).toBe('forbidden');
    });
  });

  describe('runtime credentials (assumed contract)', () => {
    const token = 'dwr_' + 'd'.repeat(40);
    const rotated = 'dwr_' + 'e'.repeat(40);

    it('issues a namespace-scoped credential mapping client → operator, usable against the target', async () => {
      await client.ensureNamespace(sim.baseUrl, admin, { name: 'acme' });
      const issued = await client.upsertCredential(sim.baseUrl, admin, 'acme-ci', { subject: 'acme/ci', roles: ['client'], tenant: 'acme', token });
      expect(issued).toMatchObject({ created: true, credential: { id: 'acme-ci', roles: ['operator'], tenant: 'acme', token_prefix: token.slice(0, 12) } });
      expect((await client.upsertCredential(sim.baseUrl, admin, 'acme-ci', { subject: 'acme/ci', roles: ['client'], tenant: 'acme', token })).created).toBe(false);

      const start = await client.forward({
        baseUrl: sim.baseUrl, credential: token, namespace: 'acme', method: 'POST', path: '/api/workflows',
        headers: { 'content-type': 'application/json' }, body: '{"workflow_type":"t"}', requestId: 'r', correlationId: 'c',
      });
      expect(start.status).toBe(201);
      expect(sim.requestsTo('POST', '/api/workflows')[0]).toMatchObject({ auth_method: 'runtime_credential', credential_id: 'acme-ci', subject: 'acme/ci' });
    });

    it('rotates and revokes', async () => {
      await client.upsertCredential(sim.baseUrl, admin, 'w1', { subject: 'w', roles: ['worker'], tenant: 'default', token });
      const afterRotate = await client.rotateCredential(sim.baseUrl, admin, 'w1', { token: rotated });
      expect(afterRotate.token_prefix).toBe(rotated.slice(0, 12));
      expect((await client.verifyTarget(sim.baseUrl, token)).ok).toBe(false);
      expect((await client.verifyTarget(sim.baseUrl, rotated)).ok).toBe(true);
      const revoked = await client.revokeCredential(sim.baseUrl, admin, 'w1');
      expect(revoked.revoked_at).toEqual(expect.any(String));
      expect((await client.getCredential(sim.baseUrl, admin, 'w1')).revoked_at).toBe(revoked.revoked_at);
    });

    it('reports a conflicting upsert as http 409 runtime_credential_conflict', async () => {
      await client.upsertCredential(sim.baseUrl, admin, 'w1', { subject: 'w', roles: ['worker'], tenant: 'default', token });
      const error = await client.upsertCredential(sim.baseUrl, admin, 'w1', { subject: 'w', roles: ['client'], tenant: 'default', token }).catch((e: unknown) => e);
      expect(isRuntimeClientError(error, 'http') && error.reason).toBe('runtime_credential_conflict');
    });

    it('uses the assumed paths', async () => {
      await client.upsertCredential(sim.baseUrl, admin, 'w1', { subject: 'w', roles: ['worker'], tenant: 'default', token });
      expect(sim.requestsTo('PUT', ASSUMED_PATHS.credential('w1'))).toHaveLength(1);
    });
  });

  describe('replication (assumed contract)', () => {
    it('reads and sets role and epoch, and reports a stale epoch as http 409 stale_replication_epoch', async () => {
      expect(await client.getReplication(sim.baseUrl, admin, 'default')).toMatchObject({ role: 'primary', epoch: 0 });
      const demoted = await client.setReplication(sim.baseUrl, admin, 'default', { role: 'secondary', epoch: 3 });
      expect(demoted).toMatchObject({ namespace: 'default', role: 'secondary', epoch: 3 });
      sim.faults.lag(12);
      expect((await client.getReplication(sim.baseUrl, admin, 'default')).lag_seconds).toBe(12);
      const stale = await client.setReplication(sim.baseUrl, admin, 'default', { role: 'primary', epoch: 2 }).catch((e: unknown) => e);
      expect(isRuntimeClientError(stale, 'http')).toBe(true);
      expect((stale as RuntimeClientError).reason).toBe('stale_replication_epoch');
      expect((stale as RuntimeClientError).status).toBe(409);
    });
  });

  describe('usage feed (assumed contract)', () => {
    it('pages through the feed with a durable cursor', async () => {
      for (let i = 0; i < 5; i++) sim.pushUsage({ namespace: 'default', action_type: 'activity_execution', quantity: i });
      const seen: number[] = [];
      let cursor: string | null = null;
      for (let round = 0; round < 10; round++) {
        const page = await client.usagePage(sim.baseUrl, admin, { after: cursor, limit: 2 });
        seen.push(...page.records.map((r) => r.quantity));
        if (page.records.length === 0) break;
        cursor = page.next_cursor;
      }
      expect(seen).toEqual([0, 1, 2, 3, 4]);
      sim.pushUsage({ namespace: 'default', action_type: 'signal' });
      const next = await client.usagePage(sim.baseUrl, admin, { after: cursor });
      expect(next.records.map((r) => r.action_type)).toEqual(['signal']);
    });
  });
});
