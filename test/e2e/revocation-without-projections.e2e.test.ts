import { CONFIG } from '../../apps/control-plane/src/platform/platform.tokens';
import { eventStorePairings } from '../support/eventstoredb';
import { client, createOrganization, TestApp } from '../support/test-app';
import { appOnEventStore } from '../support/app-on-event-store';

/**
 * Revoking or disabling a key, removing a member or a service account, removing a binding and
 * demoting a member count for authentication as soon as the command is acknowledged — with every
 * projector stalled, so the read models still show the old grants. On both event stores: with es_events
 * a trigger writes access_revocations in the append's transaction; with EventStoreDB the store wrapper
 * writes them once the server acknowledged the append (apps/control-plane/src/auth/access-revocations.ts).
 */
describe.each(eventStorePairings())('revocations are enforced with the projectors stalled, %s', (_label, openEvents) => {
  let app: TestApp;
  appOnEventStore(openEvents, (started) => { app = started; });

  /** The set-up waits for its read models, however busy the machine (a command's own wait is bounded). */
  const projected = async () => expect(await app.platform.runner.waitFor(await app.platform.store.lastCommittedPosition(), 30_000)).toBe(true);

  it('refuses revoked, disabled and removed principals and drops removed grants at once', async () => {
    const { api } = await createOrganization(app, 'stalled');
    await projected();
    expect((await api.post('/api/v1/projects', { name: 'web' })).status).toBe(201);
    const newKey = async (principalId: string) => {
      const key = await api.post('/api/v1/api-keys', { principal_id: principalId, name: 'k' });
      expect(key.status).toBe(201);
      return { id: key.body.id as string, api: client(app.baseUrl, key.body.token) };
    };
    const user = (await api.post('/api/v1/users', { email: 'dev@stalled.test', organization_role: 'member' })).body.id as string;
    const adminUser = (await api.post('/api/v1/users', { email: 'admin@stalled.test', organization_role: 'admin' })).body.id as string;
    const robot = (await api.post('/api/v1/service-accounts', { name: 'robot' })).body.id as string;
    const bound = (await api.post('/api/v1/service-accounts', { name: 'bound' })).body.id as string;
    const binding = await api.post('/api/v1/role-bindings', { principal_id: bound, role: 'viewer', scope: { project: 'web' } });
    expect(binding.status).toBe(201);
    const revoked = await newKey(user);
    const disabled = await newKey(user);
    const removedSa = await newKey(robot);
    const boundKey = await newKey(bound);
    const demoted = await newKey(adminUser);
    await projected();
    for (const k of [revoked, disabled, removedSa, demoted]) expect((await k.api.get('/api/v1/me')).status).toBe(200);
    expect((await boundKey.api.get('/api/v1/projects/web')).status).toBe(200);
    expect((await demoted.api.get('/api/v1/members')).status).toBe(200);

    // A short read-your-writes wait from here on: the commands below answer while the projectors are held
    // (the set-up above used the full wait, so a busy machine cannot make it answer before its read models).
    (app.app.get(CONFIG) as { consistencyWaitMs: number }).consistencyWaitMs = 200;
    const resume = app.platform.runner.pause();
    try {
      expect((await api.delete(`/api/v1/api-keys/${revoked.id}`)).status).toBeLessThan(300);
      expect((await api.post(`/api/v1/api-keys/${disabled.id}/disable`, {})).status).toBeLessThan(300);
      expect((await api.delete(`/api/v1/service-accounts/${robot}`)).status).toBeLessThan(300);
      expect((await api.delete(`/api/v1/role-bindings/${binding.body.id}`)).status).toBeLessThan(300);
      expect((await api.patch(`/api/v1/members/${adminUser}`, { organization_role: 'member' })).status).toBeLessThan(300);

      // The read models have not moved: they still say active.
      const row = await app.storage.db.selectFrom('api_keys').select('state').where('id', '=', revoked.id).executeTakeFirstOrThrow();
      expect(row.state).toBe('active');

      expect((await revoked.api.get('/api/v1/me')).body).toMatchObject({ status: 401, reason: 'revoked' });
      expect((await disabled.api.get('/api/v1/me')).body).toMatchObject({ status: 401, reason: 'disabled' });
      expect((await removedSa.api.get('/api/v1/me')).status).toBe(401);
      expect((await boundKey.api.get('/api/v1/projects/web')).status).toBe(404);
      expect((await demoted.api.get('/api/v1/members')).status).toBe(403);
    } finally {
      resume();
    }
  });
});
