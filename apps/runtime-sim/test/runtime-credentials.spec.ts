import { createHash } from 'node:crypto';
import { call, useSimulator } from './support/sim-http';

const TOKEN = 'dwr_' + 'a'.repeat(40);
const OTHER_TOKEN = 'dwr_' + 'b'.repeat(40);

describe('runtime credentials (assumed paths)', () => {
  const sim = useSimulator();
  const admin = () => sim().tokens.admin;
  const spec = { name: 'ci worker', subject: 'org-1/worker-1', roles: ['worker', 'operator'], tenant: 'default', token: TOKEN };
  const upsert = (id: string, body: unknown) => call(sim(), 'PUT', `/api/runtime-credentials/${id}`, { token: admin(), body });

  it('creates a credential (201), stores only the sha256 and shows a 12-character prefix', async () => {
    const res = await upsert('cred-1', spec);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: 'cred-1',
      subject: 'org-1/worker-1',
      roles: ['operator', 'worker'],
      tenant: 'default',
      claims: {},
      token_prefix: TOKEN.slice(0, 12),
      expires_at: null,
      revoked_at: null,
      created: true,
    });
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);
    expect(sim().state.credentials.get('cred-1')?.token_hash).toBe(createHash('sha256').update(TOKEN).digest('hex'));
  });

  it('treats the same upsert as a no-op (200) and different attributes as 409 runtime_credential_conflict', async () => {
    await upsert('cred-1', spec);
    const same = await upsert('cred-1', spec);
    expect(same.status).toBe(200);
    expect(same.body.created).toBe(false);
    const different = await upsert('cred-1', { ...spec, roles: ['worker'] });
    expect(different.status).toBe(409);
    expect(different.body.reason).toBe('runtime_credential_conflict');
  });

  it('refuses a token already held by another credential', async () => {
    await upsert('cred-1', spec);
    const res = await upsert('cred-2', spec);
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('runtime_credential_token_conflict');
  });

  it('validates token length, roles and tenant', async () => {
    const res = await upsert('cred-1', { subject: 's', roles: ['admin'], tenant: 'bad tenant', token: 'short' });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors).sort()).toEqual(['roles', 'tenant', 'token']);
  });

  it('lists and shows credentials; unknown id is 404 runtime_credential_not_found', async () => {
    await upsert('cred-1', spec);
    const list = await call(sim(), 'GET', '/api/runtime-credentials', { token: admin() });
    expect(list.body.credentials.map((c: { id: string }) => c.id)).toEqual(['cred-1']);
    expect((await call(sim(), 'GET', '/api/runtime-credentials/cred-1', { token: admin() })).body.id).toBe('cred-1');
    const missing = await call(sim(), 'GET', '/api/runtime-credentials/nope', { token: admin() });
    expect(missing.status).toBe(404);
    expect(missing.body.reason).toBe('runtime_credential_not_found');
  });

  it('authenticates with the credential roles, confined to its tenant namespace', async () => {
    await call(sim(), 'POST', '/api/namespaces', { token: admin(), body: { name: 'tenant-a' } });
    await upsert('cred-a', { ...spec, tenant: 'tenant-a', roles: ['operator'] });
    const own = await call(sim(), 'POST', '/api/workflows', { token: TOKEN, namespace: 'tenant-a', body: { workflow_type: 't' } });
    expect(own.status).toBe(201);
    // Without X-Namespace the credential works in its own namespace.
    expect((await call(sim(), 'GET', '/api/workflows', { token: TOKEN })).body.workflow_count).toBe(1);
    const other = await call(sim(), 'GET', '/api/workflows', { token: TOKEN, namespace: 'default' });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ reason: 'forbidden', role: 'operator', namespace: 'default' });
    const adminOnly = await call(sim(), 'GET', '/api/runtime-credentials', { token: TOKEN });
    expect(adminOnly.status).toBe(403);
  });

  it('rotates: the old token stops working and the new one works', async () => {
    await upsert('cred-1', spec);
    const rotated = await call(sim(), 'POST', '/api/runtime-credentials/cred-1/rotate', { token: admin(), body: { token: OTHER_TOKEN } });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ token_prefix: OTHER_TOKEN.slice(0, 12), rotated_at: expect.any(String) });
    expect((await call(sim(), 'GET', '/api/workflows', { token: TOKEN })).status).toBe(401);
    expect((await call(sim(), 'GET', '/api/workflows', { token: OTHER_TOKEN })).status).toBe(200);
  });

  it('revokes: the token answers 401 afterwards', async () => {
    await upsert('cred-1', spec);
    expect((await call(sim(), 'GET', '/api/cluster/info', { token: TOKEN })).status).toBe(200);
    const revoked = await call(sim(), 'POST', '/api/runtime-credentials/cred-1/revoke', { token: admin() });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toEqual(expect.any(String));
    expect((await call(sim(), 'GET', '/api/cluster/info', { token: TOKEN })).status).toBe(401);
  });

  it('refuses an expired credential', async () => {
    await upsert('cred-1', { ...spec, expires_at: '2000-01-01T00:00:00Z' });
    expect((await call(sim(), 'GET', '/api/cluster/info', { token: TOKEN })).status).toBe(401);
  });

  it('requires admin and the version header', async () => {
    expect((await call(sim(), 'PUT', '/api/runtime-credentials/x', { body: spec })).status).toBe(403);
    const noVersion = await call(sim(), 'PUT', '/api/runtime-credentials/x', { token: admin(), version: null, body: spec });
    expect(noVersion.body.reason).toBe('missing_control_plane_version');
  });
});
