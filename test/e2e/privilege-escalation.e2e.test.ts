import { committedEvents } from '../support/committed-events';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

/**
 * Acting on another principal never grants more than the caller holds: an admin cannot mint,
 * rotate, disable, enable or revoke an owner's keys (and so can never become the owner), cannot
 * re-role or unbind an owner, and each refusal is an audited 403 that changes nothing.
 */
describe('acting on another principal never grants more than the caller holds', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  it('refuses an admin every action on an owner\'s keys, audited, changing nothing', async () => {
    const { api, owner, api_key: ownerKey, organization } = await createOrganization(app, 'escalate');
    const adminUser = await api.post('/api/v1/users', { email: 'admin@escalate.test', organization_role: 'admin' });
    const adminKey = await api.post('/api/v1/api-keys', { principal_id: adminUser.body.id, name: 'admin' });
    const admin = client(app.baseUrl, adminKey.body.token);
    expect((await api.post('/api/v1/projects', { name: 'web' })).status).toBe(201);
    const count = async () => (await committedEvents(app)).filter((e) => e.type !== 'AccessDenied').length;
    const before = await count();

    const minted = await admin.post('/api/v1/api-keys', { principal_id: owner.id, name: 'mine now' });
    expect(minted.status).toBe(403);
    expect(minted.body).toMatchObject({ status: 403, reason: 'exceeds_caller_rights' });
    expect(minted.body.token).toBeUndefined();
    expect((await admin.post(`/api/v1/api-keys/${ownerKey.id}/rotate`, { grace_seconds: 0 })).status).toBe(403);
    expect((await admin.post(`/api/v1/api-keys/${ownerKey.id}/disable`, {})).status).toBe(403);
    expect((await admin.post(`/api/v1/api-keys/${ownerKey.id}/enable`, {})).status).toBe(403);
    expect((await admin.delete(`/api/v1/api-keys/${ownerKey.id}`)).status).toBe(403);
    expect((await admin.post('/api/v1/role-bindings', { principal_id: owner.id, role: 'viewer', scope: { project: 'web' } })).status).toBe(403);
    expect(await count()).toBe(before);
    // The owner's key still works, untouched.
    expect((await api.get('/api/v1/me')).status).toBe(200);

    const denials = (await committedEvents(app)).filter((e) => e.type === 'AccessDenied'
      && (e.data as { reason: string; organization_id: string }).reason === 'exceeds_caller_rights'
      && (e.data as { organization_id: string }).organization_id === organization.id);
    expect(denials.length).toBeGreaterThanOrEqual(6);
    expect(denials.every((e) => (e.data as { status: number }).status === 403)).toBe(true);

    // Owners still manage everyone, and admins still manage peers and those below them.
    const peer = await api.post('/api/v1/users', { email: 'peer@escalate.test', organization_role: 'admin' });
    expect((await admin.post('/api/v1/api-keys', { principal_id: peer.body.id, name: 'peer' })).status).toBe(201);
    expect((await api.post('/api/v1/api-keys', { principal_id: adminUser.body.id, name: 'by owner' })).status).toBe(201);
  });

  it('refuses an admin removing an owner\'s binding or key through removal, and keeps the owner an owner', async () => {
    const { api, owner } = await createOrganization(app, 'escalate2');
    await api.post('/api/v1/projects', { name: 'web' });
    const binding = await api.post('/api/v1/role-bindings', { principal_id: owner.id, role: 'viewer', scope: { project: 'web' } });
    expect(binding.status).toBe(201);
    const adminUser = await api.post('/api/v1/users', { email: 'admin@escalate2.test', organization_role: 'admin' });
    const admin = client(app.baseUrl, (await api.post('/api/v1/api-keys', { principal_id: adminUser.body.id, name: 'a' })).body.token);
    const unbound = await admin.delete(`/api/v1/role-bindings/${binding.body.id}`);
    expect(unbound.status).toBe(403);
    expect(unbound.body.reason).toBe('exceeds_caller_rights');
    expect((await api.get(`/api/v1/role-bindings/${binding.body.id}`)).status).toBe(200);
  });
});
