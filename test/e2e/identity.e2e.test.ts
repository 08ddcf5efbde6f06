import { committedEvents } from '../support/committed-events';
import { LastUsedRecorder } from '../../apps/control-plane/src/auth/last-used-recorder';
import { TestClock } from '../support/clock';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';


describe('identity and access through HTTP', () => {
  let app: TestApp;
  const clock = new TestClock();
  beforeAll(async () => { app = await startTestApp({ clock: clock.now }); });
  afterAll(() => app.close());

  const eventCount = async () => (await committedEvents(app)).filter((e) => e.type !== 'AccessDenied').length;

  /** A user of the organization with its own key. */
  async function userWithKey(api: ReturnType<typeof client>, email: string, role: string) {
    const user = await api.post('/api/v1/users', { email, organization_role: role });
    expect(user.status).toBe(201);
    const key = await api.post('/api/v1/api-keys', { principal_id: user.body.id, name: `${email} key` });
    expect(key.status).toBe(201);
    return { id: user.body.id as string, keyId: key.body.id as string, token: key.body.token as string, api: client(app.baseUrl, key.body.token) };
  }

  it('adds, lists, re-roles and removes members; removal revokes the member\'s keys', async () => {
    const { api, owner } = await createOrganization(app, 'members');
    const created = await api.post('/api/v1/users', { email: '  Dev@Members.TEST ', organization_role: 'member' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'dev@members.test', organization_role: 'member', state: 'active' });
    expect(created.body.id).toMatch(/^usr_/);
    expect(created.headers.get('location')).toBe(`/api/v1/members/${created.body.id}`);
    expect((await api.post('/api/v1/users', { email: 'dev@members.test', organization_role: 'admin' })).status).toBe(409);
    expect((await api.post('/api/v1/users', { email: 'x@members.test', organization_role: 'root' })).body).toMatchObject({ status: 422, field: 'organization_role' });
    expect((await api.post('/api/v1/users', { email: 'x@members.test' })).status).toBe(400);

    const first = await api.get('/api/v1/members?limit=1');
    expect(first.body.members.map((m: { id: string }) => m.id)).toEqual([owner.id]);
    const second = await api.get(`/api/v1/members?limit=1&cursor=${first.body.next_cursor}`);
    expect(second.body).toEqual({ members: [expect.objectContaining({ id: created.body.id })], next_cursor: null });

    const promoted = await api.patch(`/api/v1/members/${created.body.id}`, { organization_role: 'finance' });
    expect(promoted.status).toBe(200);
    expect(promoted.body.organization_role).toBe('finance');

    const dev = await api.post('/api/v1/api-keys', { principal_id: created.body.id, name: 'laptop' });
    const devApi = client(app.baseUrl, dev.body.token);
    expect((await devApi.get('/api/v1/me')).status).toBe(200);
    const removed = await api.delete(`/api/v1/members/${created.body.id}`);
    expect(removed.status).toBe(204);
    expect((await devApi.get('/api/v1/me')).status).toBe(401);
    expect((await api.get(`/api/v1/api-keys/${dev.body.id}`)).body).toMatchObject({ state: 'revoked' });
    expect((await api.get(`/api/v1/members/${created.body.id}`)).status).toBe(404);
    expect((await api.delete(`/api/v1/members/${created.body.id}`)).status).toBe(404);
  });

  it('keeps the owner role with owners and never loses the last owner', async () => {
    const { api, owner } = await createOrganization(app, 'owners');
    const admin = await userWithKey(api, 'admin@owners.test', 'admin');
    // An admin manages members, but not owners.
    expect((await admin.api.post('/api/v1/users', { email: 'o2@owners.test', organization_role: 'owner' })).status).toBe(403);
    expect((await admin.api.patch(`/api/v1/members/${owner.id}`, { organization_role: 'member' })).status).toBe(403);
    expect((await admin.api.delete(`/api/v1/members/${owner.id}`)).status).toBe(403);
    expect((await admin.api.patch(`/api/v1/members/${admin.id}`, { organization_role: 'owner' })).status).toBe(403);
    // The last owner can be neither demoted nor removed, by anyone.
    expect((await api.patch(`/api/v1/members/${owner.id}`, { organization_role: 'admin' })).status).toBe(409);
    expect((await api.delete(`/api/v1/members/${owner.id}`)).status).toBe(409);
    // An owner may make another owner, after which either may step down.
    expect((await api.patch(`/api/v1/members/${admin.id}`, { organization_role: 'owner' })).body.organization_role).toBe('owner');
    expect((await api.patch(`/api/v1/members/${owner.id}`, { organization_role: 'admin' })).body.organization_role).toBe('admin');
    // A plain member cannot manage members at all.
    const member = await userWithKey(admin.api, 'member@owners.test', 'member');
    expect((await member.api.get('/api/v1/members')).status).toBe(403);
    expect((await member.api.post('/api/v1/users', { email: 'y@owners.test', organization_role: 'member' })).status).toBe(403);
  });

  it('manages service accounts, whose keys are revoked with them', async () => {
    const { api } = await createOrganization(app, 'robots');
    const created = await api.post('/api/v1/service-accounts', { name: 'ci-deployer' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'ci-deployer', state: 'active' });
    expect(created.body.id).toMatch(/^sa_/);
    expect((await api.post('/api/v1/service-accounts', { name: 'ci-deployer' })).status).toBe(409);
    expect((await api.post('/api/v1/service-accounts', { name: 'Not A Label' })).body).toMatchObject({ status: 422, field: 'name' });
    expect((await api.get('/api/v1/service-accounts')).body.service_accounts.map((s: { name: string }) => s.name)).toEqual(['ci-deployer']);

    const key = await api.post('/api/v1/api-keys', { principal_id: created.body.id, name: 'pipeline' });
    expect(key.status).toBe(201);
    expect(key.body).toMatchObject({ principal_id: created.body.id, principal_kind: 'service_account' });
    const robot = client(app.baseUrl, key.body.token);
    const me = await robot.get('/api/v1/me');
    expect(me.body.principal).toMatchObject({ id: created.body.id, kind: 'service_account', name: 'ci-deployer', organization_role: null });
    expect(me.body.capabilities).toEqual([]);
    // No organization role: not even organization.read, so organization routes answer as if nothing were there.
    expect((await robot.get('/api/v1/service-accounts')).status).toBe(404);

    expect((await api.delete(`/api/v1/service-accounts/${created.body.id}`)).status).toBe(204);
    expect((await robot.get('/api/v1/me')).status).toBe(401);
    expect((await api.get(`/api/v1/api-keys/${key.body.id}`)).body.state).toBe('revoked');
    expect((await api.get('/api/v1/service-accounts')).body.service_accounts).toEqual([]);
  });

  it('binds roles at real scopes only, storing a namespace binding with its full path', async () => {
    const { api, owner } = await createOrganization(app, 'bindings');
    await api.post('/api/v1/projects', { name: 'shop' });
    await api.post('/api/v1/projects/shop/environments', { name: 'prod' });
    await api.post('/api/v1/projects/shop/environments/prod/namespaces', { name: 'orders' });
    const sa = await api.post('/api/v1/service-accounts', { name: 'deployer' });

    const byNamespace = await api.post('/api/v1/role-bindings', { principal_id: sa.body.id, role: 'developer', scope: { namespace: 'orders' } });
    expect(byNamespace.status).toBe(201);
    expect(byNamespace.body).toMatchObject({
      principal_id: sa.body.id, principal_kind: 'service_account', role: 'developer', scope: { project: 'shop', environment: 'prod', namespace: 'orders' },
    });
    expect(byNamespace.body.id).toMatch(/^rb_/);
    const again = await api.post('/api/v1/role-bindings', { principal_id: sa.body.id, role: 'developer', scope: { project: 'shop', environment: 'prod', namespace: 'orders' } });
    expect(again.status).toBe(409);
    expect((await api.post('/api/v1/role-bindings', { principal_id: sa.body.id, role: 'viewer', scope: { project: 'shop' } })).status).toBe(201);

    for (const [scope, field] of [
      [{ project: 'nope' }, 'scope.project'],
      [{ project: 'shop', environment: 'nope' }, 'scope.environment'],
      [{ namespace: 'nope' }, 'scope.namespace'],
      [{ project: 'other', namespace: 'orders' }, 'scope.namespace'],
    ] as const) {
      const refused = await api.post('/api/v1/role-bindings', { principal_id: sa.body.id, role: 'viewer', scope });
      expect(refused.status).toBe(404);
      expect(refused.body.field).toBe(field);
    }
    expect((await api.post('/api/v1/role-bindings', { principal_id: sa.body.id, role: 'viewer', scope: {} })).status).toBe(422);
    expect((await api.post('/api/v1/role-bindings', { principal_id: sa.body.id, role: 'owner', scope: { project: 'shop' } })).body.field).toBe('role');
    expect((await api.post('/api/v1/role-bindings', { principal_id: 'usr_nobody', role: 'viewer', scope: { project: 'shop' } })).status).toBe(404);

    const listed = await api.get(`/api/v1/role-bindings?principal_id=${sa.body.id}`);
    expect(listed.body.role_bindings).toHaveLength(2);
    expect((await api.get(`/api/v1/role-bindings?principal_id=${owner.id}`)).body.role_bindings).toEqual([]);
    expect((await api.delete(`/api/v1/role-bindings/${byNamespace.body.id}`)).status).toBe(204);
    expect((await api.delete(`/api/v1/role-bindings/${byNamespace.body.id}`)).status).toBe(404);
    expect((await api.get(`/api/v1/role-bindings?principal_id=${sa.body.id}`)).body.role_bindings).toHaveLength(1);

    // Removing the principal takes its remaining bindings with it.
    expect((await api.delete(`/api/v1/service-accounts/${sa.body.id}`)).status).toBe(204);
    expect((await api.get(`/api/v1/role-bindings?principal_id=${sa.body.id}`)).body.role_bindings).toEqual([]);
  });

  it('lets a principal manage its own keys, and only api_keys.manage manage others\'', async () => {
    const { api, owner } = await createOrganization(app, 'keys');
    const member = await userWithKey(api, 'member@keys.test', 'member');
    const own = await member.api.post('/api/v1/api-keys', { principal_id: member.id, name: 'second', expires_at: '2099-01-01T00:00:00+02:00' });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ name: 'second', state: 'active', expires_at: '2098-12-31T22:00:00.000Z', principal_kind: 'user' });
    expect(own.body.token).toMatch(/^dwc_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
    expect(own.body.token.startsWith(own.body.token_prefix)).toBe(true);
    expect((await member.api.post('/api/v1/api-keys', { principal_id: owner.id, name: 'steal' })).status).toBe(403);
    expect((await member.api.post('/api/v1/api-keys', { principal_id: member.id, name: 'past', expires_at: '2000-01-01T00:00:00Z' })).body).toMatchObject({ status: 422, field: 'expires_at' });

    const mine = await member.api.get('/api/v1/api-keys');
    expect(mine.body.api_keys.map((k: { id: string }) => k.id).sort()).toEqual([member.keyId, own.body.id].sort());
    for (const key of mine.body.api_keys) {
      expect(Object.keys(key).sort()).toEqual(['created_at', 'expired', 'expires_at', 'id', 'last_used_at', 'name', 'principal_id', 'principal_kind', 'revoked_at', 'state', 'token_prefix']);
    }
    expect((await member.api.get(`/api/v1/api-keys?principal_id=${owner.id}`)).status).toBe(403);
    const all = await api.get('/api/v1/api-keys');
    expect(all.body.api_keys).toHaveLength(3);
    const ownersKey = all.body.api_keys.find((k: { principal_id: string }) => k.principal_id === owner.id);
    expect((await member.api.delete(`/api/v1/api-keys/${ownersKey.id}`)).status).toBe(403);
    expect((await member.api.post(`/api/v1/api-keys/${ownersKey.id}/disable`, {})).status).toBe(403);

    // Disable / enable / revoke its own second key.
    const second = client(app.baseUrl, own.body.token);
    expect((await member.api.post(`/api/v1/api-keys/${own.body.id}/disable`, { reason: 'travel' })).body.state).toBe('disabled');
    expect((await second.get('/api/v1/me')).body).toMatchObject({ status: 401, reason: 'disabled' });
    expect((await member.api.post(`/api/v1/api-keys/${own.body.id}/enable`)).body.state).toBe('active');
    expect((await second.get('/api/v1/me')).status).toBe(200);
    expect((await api.delete(`/api/v1/api-keys/${own.body.id}`)).status).toBe(204);
    expect((await second.get('/api/v1/me')).status).toBe(401);
    expect((await api.post(`/api/v1/api-keys/${own.body.id}/enable`)).status).toBe(409);
    expect((await api.get(`/api/v1/api-keys/${own.body.id}`)).body).toMatchObject({ state: 'revoked', revoked_at: expect.any(String) });
  });

  it('rotates a key: the new token works at once, the old one until its grace ends', async () => {
    const { api, api_key } = await createOrganization(app, 'rotation');
    const rotated = await api.post(`/api/v1/api-keys/${api_key.id}/rotate`, { grace_seconds: 2 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.token).toMatch(/^dwc_/);
    expect(rotated.body.token).not.toBe(api_key.token);
    expect(rotated.body.token_prefix).toBe(rotated.body.token.slice(0, 16));
    expect(Date.parse(rotated.body.previous_token_valid_until)).toBe(clock.now().getTime() + 2000);
    const fresh = client(app.baseUrl, rotated.body.token);
    expect((await fresh.get('/api/v1/me')).status).toBe(200);
    expect((await api.get('/api/v1/me')).status).toBe(200);
    // The grace ends on the application's clock: one millisecond before, the old token still works; at its end, not.
    clock.advance(1999);
    expect((await api.get('/api/v1/me')).status).toBe(200);
    clock.advance(1);
    expect((await api.get('/api/v1/me')).body).toMatchObject({ status: 401, reason: 'rotated' });
    expect((await fresh.get('/api/v1/me')).status).toBe(200);
    expect((await fresh.post(`/api/v1/api-keys/${api_key.id}/rotate`, { grace_seconds: -1 })).status).toBe(400);
    expect((await fresh.post(`/api/v1/api-keys/${api_key.id}/rotate`, { grace_seconds: '10' })).status).toBe(400);
  });

  it('shows last_used_at once a key has been used', async () => {
    const { api, api_key } = await createOrganization(app, 'usage');
    const unused = await api.post('/api/v1/api-keys', { principal_id: (await api.get('/api/v1/me')).body.principal.id, name: 'unused' });
    await app.app.get(LastUsedRecorder).flush();
    const keys = (await api.get('/api/v1/api-keys')).body.api_keys as { id: string; last_used_at: string | null }[];
    expect(keys.find((k) => k.id === unused.body.id)!.last_used_at).toBeNull();
    const used = keys.find((k) => k.id === api_key.id)!;
    expect(Date.parse(used.last_used_at!)).toBe(clock.now().getTime()); // the application's clock, which this file moves by hand
  });

  it('answers a dry run with the permission diff and appends nothing', async () => {
    const { api, owner } = await createOrganization(app, 'dryrun');
    await api.post('/api/v1/projects', { name: 'shop' });
    await api.post('/api/v1/projects/shop/environments', { name: 'prod' });
    await api.post('/api/v1/projects/shop/environments/prod/namespaces', { name: 'orders' });
    const sa = await api.post('/api/v1/service-accounts', { name: 'viewer-bot' });
    const before = await eventCount();

    const binding = await api.post('/api/v1/role-bindings?dry_run=true', { principal_id: sa.body.id, role: 'viewer', scope: { namespace: 'orders' } });
    expect(binding.status).toBe(200);
    const path = { project: 'shop', environment: 'prod', namespace: 'orders' };
    expect(binding.body).toEqual({
      dry_run: true,
      would_append: ['RoleBindingCreated'],
      changes: [
        { principal_id: sa.body.id, capability: 'project.read', resource: { project: 'shop' }, change: 'gained' },
        { principal_id: sa.body.id, capability: 'environment.read', resource: { project: 'shop', environment: 'prod' }, change: 'gained' },
        { principal_id: sa.body.id, capability: 'namespace.read', resource: path, change: 'gained' },
      ],
    });
    expect((await api.get(`/api/v1/role-bindings?principal_id=${sa.body.id}`)).body.role_bindings).toEqual([]);

    const user = await api.post('/api/v1/users?dry_run=true', { email: 'fin@dryrun.test', organization_role: 'finance' });
    expect(user.status).toBe(200);
    expect(user.body.changes.map((c: { capability: string; change: string }) => `${c.change} ${c.capability}`))
      .toEqual(['gained organization.read', 'gained billing.read']);

    const demote = await api.patch(`/api/v1/members/${owner.id}?dry_run=true`, { organization_role: 'member' });
    expect(demote.status).toBe(409);
    const removal = await api.delete(`/api/v1/service-accounts/${sa.body.id}?dry_run=true`);
    expect(removal.status).toBe(200);
    expect(removal.body).toEqual({ dry_run: true, would_append: ['ServiceAccountRemoved'], changes: [] });
    const ownKey = await api.post('/api/v1/api-keys?dry_run=true', { principal_id: owner.id, name: 'preview' });
    expect(ownKey.body).toEqual({ dry_run: true, would_append: ['ApiKeyIssued'], changes: [] });
    expect(JSON.stringify(ownKey.body)).not.toContain('dwc_');
    expect((await api.post('/api/v1/users?dry_run=maybe', { email: 'x@dryrun.test', organization_role: 'member' })).status).toBe(400);

    expect(await eventCount()).toBe(before);
    expect((await api.get('/api/v1/service-accounts')).body.service_accounts).toHaveLength(1);

    // The real binding, then a dry-run removal of the bound principal shows what it loses.
    await api.post('/api/v1/role-bindings', { principal_id: sa.body.id, role: 'viewer', scope: { namespace: 'orders' } });
    const lost = await api.delete(`/api/v1/service-accounts/${sa.body.id}?dry_run=true`);
    expect(lost.body.changes).toHaveLength(3);
    expect(lost.body.changes.every((c: { change: string }) => c.change === 'lost')).toBe(true);
  });

  it('tells a principal who it is and what it may do where (GET /me)', async () => {
    const { api, organization, owner } = await createOrganization(app, 'whoami');
    await api.post('/api/v1/projects', { name: 'shop' });
    await api.post('/api/v1/projects/shop/environments', { name: 'prod' });
    await api.post('/api/v1/projects/shop/environments/prod/namespaces', { name: 'orders' });
    await api.post('/api/v1/projects/shop/environments/prod/namespaces', { name: 'payments' });
    const dev = await userWithKey(api, 'dev@whoami.test', 'member');
    const binding = await api.post('/api/v1/role-bindings', { principal_id: dev.id, role: 'admin', scope: { namespace: 'orders' } });

    const me = await dev.api.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.principal).toEqual({ id: dev.id, kind: 'user', email: 'dev@whoami.test', organization_role: 'member', api_key_id: dev.keyId });
    expect(me.body.organization).toEqual({ id: organization.id, name: 'whoami' });
    expect(me.body.role_bindings).toEqual([expect.objectContaining({ id: binding.body.id, role: 'admin' })]);
    const grants = me.body.capabilities.map((g: { capability: string; resource: Record<string, string> }) =>
      `${g.capability}@${Object.values(g.resource).join('/') || 'organization'}`);
    expect(grants).toEqual([
      'organization.read@organization',
      'project.read@shop',
      'environment.read@shop/prod',
      'namespace.read@shop/prod/orders',
      'namespace.manage@shop/prod/orders',
      'workflows.forward@shop/prod/orders',
      'replication.manage@shop/prod/orders',
    ]);
    const ownerMe = await api.get('/api/v1/me');
    expect(ownerMe.body.principal).toMatchObject({ id: owner.id, organization_role: 'owner' });
    expect(ownerMe.body.capabilities.filter((g: { resource: { namespace?: string } }) => g.resource.namespace === 'payments').length).toBeGreaterThan(0);
  });

  it('records refusals as AccessDenied events: who (principal or key prefix), which route, why', async () => {
    const { api } = await createOrganization(app, 'denials');
    const member = await userWithKey(api, 'member@denials.test', 'member');
    const doomed = await api.post('/api/v1/api-keys', { principal_id: member.id, name: 'doomed' });
    await api.delete(`/api/v1/api-keys/${doomed.body.id}`);
    expect((await client(app.baseUrl, doomed.body.token).get('/api/v1/projects')).status).toBe(401);
    expect((await member.api.post('/api/v1/service-accounts', { name: 'nope' })).status).toBe(403);

    const denials = (await committedEvents(app, { types: ['AccessDenied'] })).map((e) => e.data);
    expect(denials).toContainEqual(expect.objectContaining({
      key_prefix: doomed.body.token_prefix, route: '/api/v1/projects', method: 'GET', status: 401, reason: expect.any(String),
    }));
    expect(denials).toContainEqual(expect.objectContaining({
      principal_id: member.id, route: '/api/v1/service-accounts', method: 'POST', status: 403, reason: 'missing_capability', capability: 'service_accounts.manage',
    }));
  });
});
