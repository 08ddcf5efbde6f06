import { client, createOrganization, startTestApp, startTestReplica, TestApp } from '../support/test-app';
import { describeOnPostgres } from '../support/test-storage';

/**
 * Each replica remembers the API keys it has authenticated. A revocation acknowledged by one replica
 * is still refused by the very next request on the other, whose cache holds the key — with every
 * projector stalled, so only the revocations written in the command's own transaction can tell it.
 * A grant, once projected, counts on the other replica at its next request too.
 */
describeOnPostgres('API-key cache across two replicas (PostgreSQL: two control planes on one database)', () => {
  let first: TestApp;
  let second: Omit<TestApp, 'storage'>;
  beforeAll(async () => {
    // A short read-your-writes wait: the revocations below answer while the projectors are held.
    first = await startTestApp({ consistencyWaitMs: 200 });
    second = await startTestReplica(first, { consistencyWaitMs: 200 });
  });
  /** Every event so far projected (this suite's read-your-writes wait is short, for the stalled part). */
  const projected = async () => {
    expect(await first.platform.runner.waitFor(await first.platform.store.lastCommittedPosition(), 10_000)).toBe(true);
  };
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('refuses on the other replica, at the very next request, a key revoked or disabled, a principal removed, a binding deleted', async () => {
    const { api } = await createOrganization(first, 'cached');
    await projected();
    expect((await api.post('/api/v1/projects', { name: 'web' })).status).toBe(201);
    const newKey = async (principalId: string) => {
      const key = await api.post('/api/v1/api-keys', { principal_id: principalId, name: 'k' });
      expect(key.status).toBe(201);
      return { id: key.body.id as string, there: client(second.baseUrl, key.body.token) };
    };
    const user = (await api.post('/api/v1/users', { email: 'dev@cached.test', organization_role: 'member' })).body.id as string;
    const robot = (await api.post('/api/v1/service-accounts', { name: 'robot' })).body.id as string;
    const bound = (await api.post('/api/v1/service-accounts', { name: 'bound' })).body.id as string;
    const binding = await api.post('/api/v1/role-bindings', { principal_id: bound, role: 'viewer', scope: { project: 'web' } });
    expect(binding.status).toBe(201);
    await projected();
    const revoked = await newKey(user);
    const disabled = await newKey(user);
    const removed = await newKey(robot);
    const boundKey = await newKey(bound);
    await projected();
    // Twice each on the second replica: the second answer comes from its cache.
    for (let i = 0; i < 2; i++) {
      for (const k of [revoked, disabled, removed]) expect((await k.there.get('/api/v1/me')).status).toBe(200);
      expect((await boundKey.there.get('/api/v1/projects/web')).status).toBe(200);
    }

    const resumeFirst = first.platform.runner.pause();
    const resumeSecond = second.platform.runner.pause();
    try {
      expect((await api.delete(`/api/v1/api-keys/${revoked.id}`)).status).toBeLessThan(300);
      expect((await revoked.there.get('/api/v1/me')).body).toMatchObject({ status: 401, reason: 'revoked' });
      expect((await api.post(`/api/v1/api-keys/${disabled.id}/disable`, {})).status).toBeLessThan(300);
      expect((await disabled.there.get('/api/v1/me')).body).toMatchObject({ status: 401, reason: 'disabled' });
      expect((await api.delete(`/api/v1/service-accounts/${robot}`)).status).toBeLessThan(300);
      expect((await removed.there.get('/api/v1/me')).status).toBe(401);
      expect((await api.delete(`/api/v1/role-bindings/${binding.body.id}`)).status).toBeLessThan(300);
      expect((await boundKey.there.get('/api/v1/projects/web')).status).toBe(404);
      // The key of the unbound service account itself still works: only what was revoked is refused.
      expect((await boundKey.there.get('/api/v1/me')).status).toBe(200);
    } finally {
      resumeFirst();
      resumeSecond();
    }
  });

  it('lets a grant count on the other replica once it is projected, though the key was cached before it', async () => {
    const { api } = await createOrganization(first, 'granted');
    await projected();
    expect((await api.post('/api/v1/projects', { name: 'web' })).status).toBe(201);
    const robot = (await api.post('/api/v1/service-accounts', { name: 'robot' })).body.id as string;
    await projected();
    const key = await api.post('/api/v1/api-keys', { principal_id: robot, name: 'k' });
    const there = client(second.baseUrl, key.body.token);
    await projected();
    expect((await there.get('/api/v1/projects/web')).status).toBe(404);
    expect((await there.get('/api/v1/projects/web')).status).toBe(404);
    expect((await api.post('/api/v1/role-bindings', { principal_id: robot, role: 'viewer', scope: { project: 'web' } })).status).toBe(201);
    await projected();
    expect((await there.get('/api/v1/projects/web')).status).toBe(200);
  });
});

