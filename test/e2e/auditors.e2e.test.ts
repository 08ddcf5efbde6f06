import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { publicKeysFromPem, verifyAuditExport } from '../../libs/domain/audit/export-verification';
import { Client, client, createOrganization, startTestApp, TestApp } from '../support/test-app';
import { waitUntilAsync } from '../support/wait';

const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');
const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

async function userWithKey(api: Client, email: string, organization_role: string) {
  const user = await api.post('/api/v1/users', { email, organization_role });
  expect(user.status).toBe(201);
  const key = await api.post('/api/v1/api-keys', { principal_id: user.body.id, name: `${email} key` });
  expect(key.status).toBe(201);
  return { id: user.body.id as string, key_id: key.body.id as string, token: key.body.token as string };
}

async function exportText(app: TestApp, token: string, query = '') {
  const response = await fetch(`${app.baseUrl}/api/v1/audit-log/export${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { response, text: await response.text() };
}

describe('auditors: role, signed checkpoints, verifiable exports, access review', () => {
  let app: TestApp;
  let dir: string;
  beforeAll(async () => {
    app = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'dwc-audit-'));
  });
  afterAll(() => app.close());

  const withKey = async (api: Client, email: string, role: string) => {
    const made = await userWithKey(api, email, role);
    return { ...made, api: client(app.baseUrl, made.token) };
  };

  it('gives the auditor role the audit log, checkpoints, exports, access reviews and replay, and nothing else', async () => {
    const { api } = await createOrganization(app, 'auditor-role');
    await api.post('/api/v1/projects', { name: 'p' });
    const auditor = await withKey(api, 'audit@auditor-role.test', 'auditor');
    const member = await withKey(api, 'member@auditor-role.test', 'member');
    for (const path of ['/api/v1/audit-log', '/api/v1/audit-log/verify', '/api/v1/audit-log/checkpoints', '/api/v1/audit-log/public-keys',
      '/api/v1/audit-log/export', '/api/v1/events', `/api/v1/access-review?principal=${member.id}`]) {
      expect([path, (await auditor.api.get(path)).status]).toEqual([path, 200]);
      expect([path, (await member.api.get(path)).status]).toEqual([path, 403]);
    }
    expect((await auditor.api.post('/api/v1/audit-log/checkpoints')).status).toBe(201);
    expect((await auditor.api.post('/api/v1/projects', { name: 'nope' })).status).toBe(403);
    expect((await auditor.api.get('/api/v1/billing/usage')).status).toBe(403);
    expect((await auditor.api.post('/api/v1/users', { email: 'x@auditor-role.test', organization_role: 'admin' })).status).toBe(403);
    expect((await auditor.api.get('/api/v1/projects/p')).status).toBe(404);
  });

  it('signs the chain head on demand, lists checkpoints and public keys, and exports what an offline check proves', async () => {
    const { api, organization, api_key } = await createOrganization(app, 'exported');
    for (const name of ['a', 'b', 'c']) await api.post('/api/v1/projects', { name });
    const signed = await api.post('/api/v1/audit-log/checkpoints');
    expect(signed.status).toBe(201);
    const keys = (await api.get('/api/v1/audit-log/public-keys')).body.keys;
    expect(keys).toEqual([expect.objectContaining({ algorithm: 'Ed25519', retired_at: null, public_key_pem: expect.stringContaining('BEGIN PUBLIC KEY') })]);
    expect(signed.body.checkpoint).toMatchObject({ organization_id: organization.id, key_id: keys[0].key_id, algorithm: 'Ed25519' });
    const listed = (await api.get('/api/v1/audit-log/checkpoints', { 'x-dwc-min-position': signed.headers.get('x-dwc-position')! })).body.checkpoints;
    expect(listed[0]).toEqual(signed.body.checkpoint);
    // More activity after the checkpoint: the export signs a closing checkpoint over it.
    await api.post('/api/v1/projects', { name: 'd' });

    const { response, text } = await exportText(app, api_key.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-org_[^"]+\.ndjson"$/);
    const lines = text.trim().split('\n');
    const records = lines.map((l) => JSON.parse(l));
    expect(records[0]).toMatchObject({ kind: 'header', format: 'dwc-audit-export/v1', organization_id: organization.id });
    expect(records.filter((r) => r.kind === 'entry').map((r) => r.action)).toEqual(expect.arrayContaining(['ProjectCreated', 'AuditCheckpointSigned']));
    expect(records.filter((r) => r.kind === 'checkpoint').length).toBeGreaterThanOrEqual(2);
    const publicKeys = publicKeysFromPem(keys[0].public_key_pem);
    expect(verifyAuditExport(lines, publicKeys)).toMatchObject({ ok: true, problems: [] });

    // The CLI, offline: exit 0 for the untouched export, 1 for each tampered one.
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm test builds it first (tsc -p tsconfig.json)`);
    const pemFile = join(dir, 'audit-public-key.pem');
    writeFileSync(pemFile, keys[0].public_key_pem);
    const cli = (content: string) => {
      const file = join(dir, `export-${Math.random().toString(36).slice(2)}.ndjson`);
      writeFileSync(file, content);
      return spawnSync(process.execPath, [CLI, 'audit', 'verify', file, '--public-key', pemFile], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
    };
    const untouched = cli(text);
    expect({ status: untouched.status, out: untouched.stdout }).toEqual({ status: 0, out: expect.stringMatching(/^OK: chain, signatures and no gap hold/) });
    const entryIndexes = records.map((r, i) => (r.kind === 'entry' ? i : -1)).filter((i) => i >= 0);
    const altered = lines.map((l, i) => (i === entryIndexes[2] ? l.replace('"outcome":"succeeded"', '"outcome":"denied"') : l));
    const removed = lines.filter((_, i) => i !== entryIndexes[3]);
    const reordered = [...lines];
    [reordered[entryIndexes[1]], reordered[entryIndexes[2]]] = [reordered[entryIndexes[2]], reordered[entryIndexes[1]]];
    for (const [name, tampered] of [['altered', altered], ['removed', removed], ['reordered', reordered]] as const) {
      const result = cli(tampered.join('\n'));
      expect([name, result.status]).toEqual([name, 1]);
      expect(result.stdout).toMatch(/^FAILED/);
    }
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(pemFile, other);
    expect(cli(text).status).toBe(1);
  });

  it('exports a time range as the contiguous run of the chain between two checkpoints', async () => {
    const { api, api_key } = await createOrganization(app, 'ranged');
    await api.post('/api/v1/projects', { name: 'before' });
    await api.post('/api/v1/audit-log/checkpoints');
    await tick();
    const since = new Date().toISOString();
    await tick();
    await api.post('/api/v1/projects', { name: 'inside' });
    await tick();
    const until = new Date().toISOString();
    await tick();
    await api.post('/api/v1/projects', { name: 'after' });
    const { text } = await exportText(app, api_key.token, `?since=${since}&until=${until}`);
    const records = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(records[0]).toMatchObject({ since, until });
    const resources = records.filter((r) => r.kind === 'entry').map((r) => r.resource);
    expect(resources.some((r: string) => r.endsWith('.inside'))).toBe(true);
    expect(resources.some((r: string) => r.endsWith('.before'))).toBe(false);
    const keys = (await api.get('/api/v1/audit-log/public-keys')).body.keys;
    expect(verifyAuditExport(text.trim().split('\n'), publicKeysFromPem(keys.map((k: { public_key_pem: string }) => k.public_key_pem).join('\n'))).ok).toBe(true);
    expect((await api.get(`/api/v1/audit-log/export?since=${until}&until=${since}`)).status).toBe(400);
    expect((await api.get('/api/v1/audit-log/export?since=yesterday')).status).toBe(400);
  });

  it('verifies incrementally from the last signed checkpoint, and the whole chain with ?full=true', async () => {
    const { api } = await createOrganization(app, 'incremental');
    for (const name of ['a', 'b']) await api.post('/api/v1/projects', { name });
    const signed = await api.post('/api/v1/audit-log/checkpoints');
    await api.post('/api/v1/projects', { name: 'c' });
    const incremental = (await api.get('/api/v1/audit-log/verify')).body;
    const full = (await api.get('/api/v1/audit-log/verify?full=true')).body;
    expect(incremental).toMatchObject({ ok: true, verified_from: { position: signed.body.checkpoint.position, entries: signed.body.checkpoint.entries } });
    expect(full).toMatchObject({ ok: true, verified_from: null, entries: incremental.entries, head_hash: incremental.head_hash });
    const log = (await api.get('/api/v1/audit-log?limit=200')).body.entries;
    const checkpointAt = log.findIndex((e: { position: string }) => e.position === signed.body.checkpoint.position);
    // Tampering after the checkpoint is found incrementally; before it, the signed anchor vouches, and ?full=true finds it.
    const after = log[checkpointAt + 2];
    await sql`update audit_log set action = 'Tampered' where event_id = ${after.id}::uuid`.execute(app.storage.db);
    expect((await api.get('/api/v1/audit-log/verify')).body).toMatchObject({ ok: false, first_bad_position: after.position });
    await sql`update audit_log set action = ${after.action} where event_id = ${after.id}::uuid`.execute(app.storage.db);
    const before = log[1];
    await sql`update audit_log set action = 'Tampered' where event_id = ${before.id}::uuid`.execute(app.storage.db);
    expect((await api.get('/api/v1/audit-log/verify')).body.ok).toBe(true);
    expect((await api.get('/api/v1/audit-log/verify?full=true')).body).toMatchObject({ ok: false, first_bad_position: before.position });
    // The anchor row itself changed: incremental verification no longer trusts the chain.
    await sql`update audit_log set hash = ${'f'.repeat(64)} where organization_id = ${signed.body.checkpoint.organization_id}
      and commit_position = ${signed.body.checkpoint.position.split('.')[0]}::bigint and prepare_position = ${signed.body.checkpoint.position.split('.')[1]}::bigint`.execute(app.storage.db);
    expect((await api.get('/api/v1/audit-log/verify')).body).toMatchObject({ ok: false, first_bad_position: signed.body.checkpoint.position });
    expect((await api.get('/api/v1/audit-log/verify?full=maybe')).status).toBe(400);
  });

  it('reviews access as of an instant: before and after a role change, a key revocation and a binding removal', async () => {
    const { api, owner } = await createOrganization(app, 'reviewed');
    await api.post('/api/v1/projects', { name: 'shop' });
    await api.post('/api/v1/projects/shop/environments', { name: 'prod' });
    await api.post('/api/v1/projects/shop/environments/prod/namespaces', { name: 'orders' });
    const dev = await withKey(api, 'dev@reviewed.test', 'member');
    const binding = await api.post('/api/v1/role-bindings', { principal_id: dev.id, role: 'developer', scope: { project: 'shop', environment: 'prod', namespace: 'orders' } });
    expect(binding.status).toBe(201);
    await tick();
    const t1 = new Date().toISOString();
    await tick();
    expect((await api.patch(`/api/v1/members/${dev.id}`, { organization_role: 'admin' })).status).toBe(200);
    await tick();
    const t2 = new Date().toISOString();
    await tick();
    expect((await api.delete(`/api/v1/api-keys/${dev.key_id}`)).status).toBeLessThan(300);
    await tick();
    const t3 = new Date().toISOString();
    await tick();
    expect((await api.patch(`/api/v1/members/${dev.id}`, { organization_role: 'member' })).status).toBe(200);
    expect((await api.delete(`/api/v1/role-bindings/${binding.body.id}`)).status).toBeLessThan(300);
    await tick();
    const t4 = new Date().toISOString();

    const review = async (query: string) => {
      const response = await api.get(`/api/v1/access-review?${query}`);
      expect(response.status).toBe(200);
      return response.body;
    };
    const atT1 = await review(`namespace=orders&as_of=${t1}`);
    expect(atT1).toMatchObject({ namespace: 'orders', project: 'shop', environment: 'prod', as_of: t1, replayed: { events: expect.any(Number), through_position: expect.stringMatching(/^\d+\.\d+$/) } });
    const devAt = (body: any) => body.principals.find((p: { principal_id: string }) => p.principal_id === dev.id);
    expect(devAt(atT1)).toMatchObject({ organization_role: 'member', roles: [{ role: 'developer', granted_by: 'role_binding', binding_id: binding.body.id }], api_keys: [{ key_id: dev.key_id, status: 'active' }] });
    expect(devAt(atT1).capabilities).toEqual(['namespace.read', 'workflows.forward']);
    expect(atT1.principals.find((p: { principal_id: string }) => p.principal_id === owner.id).roles).toEqual([expect.objectContaining({ role: 'owner', granted_by: 'organization_role' })]);

    const atT2 = await review(`namespace=orders&as_of=${t2}`);
    expect(devAt(atT2).roles.map((r: { role: string }) => r.role)).toEqual(['admin', 'developer']);
    expect(devAt(atT2).capabilities).toContain('namespace.manage');
    expect(atT2.replayed.through_position).not.toBe(atT1.replayed.through_position);

    const principalAtT2 = await review(`principal=${dev.id}&as_of=${t2}`);
    const principalAtT3 = await review(`principal=${dev.id}&as_of=${t3}`);
    expect(principalAtT2).toMatchObject({ principal: { id: dev.id, organization_role: 'admin' }, can_authenticate: true, api_keys: [{ status: 'active' }] });
    expect(principalAtT3).toMatchObject({ can_authenticate: false, api_keys: [{ key_id: dev.key_id, status: 'revoked', position: expect.any(String) }] });
    expect(principalAtT2.capabilities).toEqual(expect.arrayContaining([{ capability: 'members.manage', resource: {} }]));

    const atT4 = await review(`principal=${dev.id}&as_of=${t4}`);
    expect(atT4).toMatchObject({ principal: { organization_role: 'member' }, role_bindings: [] });
    expect(atT4.capabilities).toEqual([{ capability: 'organization.read', resource: {} }]);
    expect(devAt(await review(`namespace=orders&as_of=${t4}`))).toBeUndefined();
    // Before anything existed, and bad questions.
    expect((await api.get(`/api/v1/access-review?namespace=orders&as_of=2020-01-01T00:00:00Z`)).status).toBe(404);
    expect((await api.get('/api/v1/access-review?namespace=orders&principal=x')).status).toBe(400);
    expect((await api.get('/api/v1/access-review')).status).toBe(400);
    expect((await api.get('/api/v1/access-review?namespace=orders&as_of=soon')).status).toBe(400);
    const other = await createOrganization(app, 'reviewed-other');
    expect((await other.api.get(`/api/v1/access-review?principal=${dev.id}`)).status).toBe(404);
  });

  it('signs moved chain heads on its interval, and not a head that is itself a checkpoint', async () => {
    const timed = await startTestApp({ auditCheckpointIntervalMs: 100 });
    try {
      const { api } = await createOrganization(timed, 'timed');
      await api.post('/api/v1/projects', { name: 'p' });
      await waitUntilAsync(async () => (await api.get('/api/v1/audit-log/checkpoints')).body.checkpoints.length >= 1, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 600));
      const settled = (await api.get('/api/v1/audit-log/checkpoints')).body.checkpoints.length;
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await api.get('/api/v1/audit-log/checkpoints')).body.checkpoints.length).toBe(settled);
      await api.post('/api/v1/projects', { name: 'q' });
      await waitUntilAsync(async () => (await api.get('/api/v1/audit-log/checkpoints')).body.checkpoints.length > settled, 10_000);
    } finally {
      await timed.close();
    }
  }, 180_000); // starts a second control plane on its own database
});
