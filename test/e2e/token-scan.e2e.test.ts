import { sql } from 'kysely';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { LastUsedRecorder } from '../../apps/control-plane/src/auth/last-used-recorder';
import { createNamespace, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';
import { waitUntilAsync } from '../support/wait';

/**
 * The forms a secret could be written in: as is, its secret part (after the public prefix), and the
 * hex, base64 and base64url encodings of both; for a secret that is itself base64url of random bytes
 * (dwi_, dwr_), those bytes in hex and base64 too (a bytea column shows hex).
 */
function secretForms(token: string): string[] {
  // dwc_<prefix>_<base62 secret>; dwi_/dwr_<base64url secret> (which may contain `_`); other secrets are whole.
  const secret = /^dw[ir]_/.test(token) ? token.slice(4) : token.startsWith('dwc_') ? token.slice(token.lastIndexOf('_') + 1) : token;
  const forms = [token, secret];
  for (const text of [token, secret]) {
    const bytes = Buffer.from(text, 'utf8');
    forms.push(bytes.toString('hex'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'));
  }
  const raw = /^[A-Za-z0-9_-]{43}$/.test(secret) ? Buffer.from(secret, 'base64url') : null;
  if (raw?.length === 32) forms.push(raw.toString('hex'), raw.toString('base64').replace(/=+$/, ''));
  if (forms.some((form) => form.length < 20)) throw new Error(`a form of ${token.slice(0, 8)}… is too short to scan for`);
  return forms;
}

/**
 * Tokens are shown once and never kept: after issuing tokens every way there is (organization
 * bootstrap, API keys for a user and a service account, rotation, an idempotent retry; a runtime
 * target's dwi_ ingest token; dwr_ runtime credentials, issued and rotated; the runtime target's own
 * credential, sent at registration and used by Cloud to forward) and sending them in every place a
 * client might (header, query, body, failing and succeeding requests), neither the debug log file nor
 * any column of any table in any schema of the database contains one, in clear or hex or base64. The scan runs last.
 */
describe('no token in logs or storage', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'dwc-token-scan-'));
  const logFile = join(logDir, 'control-plane.log');
  const saved = { file: process.env.DWC_LOG_FILE, level: process.env.LOG_LEVEL };
  const tokens: string[] = [];
  /** dwi_ and dwr_ tokens, and runtime targets' own credentials. */
  const runtimeSecrets: string[] = [];
  let app: TestApp;
  let sim: RuntimeSimulator;

  beforeAll(async () => {
    process.env.DWC_LOG_FILE = logFile;
    process.env.LOG_LEVEL = 'debug';
    app = await startTestApp({ probeIntervalMs: 0 });
    [sim] = await startSimulators(1, 'scan');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
    process.env.DWC_LOG_FILE = saved.file;
    process.env.LOG_LEVEL = saved.level;
    if (saved.file === undefined) delete process.env.DWC_LOG_FILE;
    if (saved.level === undefined) delete process.env.LOG_LEVEL;
    rmSync(logDir, { recursive: true, force: true });
  });

  it('issues tokens: bootstrap, user and service-account keys, rotation, an idempotent retry', async () => {
    const { api, api_key, owner } = await createOrganization(app, 'secrets');
    tokens.push(api_key.token);
    const user = await api.post('/api/v1/users', { email: 'dev@secrets.test', organization_role: 'member' });
    const sa = await api.post('/api/v1/service-accounts', { name: 'robot' });
    for (const principal_id of [user.body.id, sa.body.id, owner.id]) {
      const key = await api.post('/api/v1/api-keys', { principal_id, name: 'scan' });
      expect(key.status).toBe(201);
      tokens.push(key.body.token);
    }
    const once = await api.post('/api/v1/api-keys', { principal_id: owner.id, name: 'once' }, { 'idempotency-key': 'scan-once' });
    const replay = await api.post('/api/v1/api-keys', { principal_id: owner.id, name: 'once' }, { 'idempotency-key': 'scan-once' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.token).not.toBe(once.body.token);
    tokens.push(once.body.token);
    const rotated = await api.post(`/api/v1/api-keys/${once.body.id}/rotate`, { grace_seconds: 600 });
    expect(rotated.status).toBe(200);
    tokens.push(rotated.body.token);
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const token of tokens) expect(token).toMatch(/^dwc_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
  });

  it('issues runtime secrets: an ingest token, runtime credentials (issued and rotated), and sends the target credential', async () => {
    const { api } = await createOrganization(app, 'runtime-secrets');
    const target = await registerTarget(api, sim);
    runtimeSecrets.push(sim.tokens.admin, target.ingest_token);
    expect(target.ingest_token).toMatch(/^dwi_[A-Za-z0-9_-]{43}$/);
    const namespace = await createNamespace(api, 'orders', target.id);
    const issued = await api.post('/api/v1/namespaces/orders/runtime-credentials', { name: 'workers', role: 'worker' });
    expect(issued.status).toBe(201);
    const rotated = await api.post(`/api/v1/namespaces/orders/runtime-credentials/${issued.body.id}/rotate`);
    expect(rotated.status).toBe(200);
    for (const token of [issued.body.token, rotated.body.token]) expect(token).toMatch(/^dwr_[A-Za-z0-9_-]{43}$/);
    runtimeSecrets.push(issued.body.token, rotated.body.token);
    // Cloud opens the sealed target credential to forward, and the ingest token is used and misused.
    expect((await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: 'scan-1' })).status).toBe(201);
    const ingest = client(app.baseUrl, target.ingest_token);
    const now = Date.now();
    const pushed = await ingest.post('/api/v1/usage-records', { records: [{ record_id: 'scan-r1', namespace: namespace.runtime_namespace,
      action_type: 'signal', quantity: 1, window_start: new Date(now - 120_000).toISOString(), window_end: new Date(now - 60_000).toISOString() }] });
    expect(pushed.status).toBe(200);
    expect((await api.post('/api/v1/usage-records', { records: [] }, { 'x-ingest': target.ingest_token })).status).toBe(401);
    expect((await client(app.baseUrl, `${target.ingest_token.slice(0, -1)}x`).post('/api/v1/usage-records', { records: [] })).status).toBe(401);
    expect((await api.post('/api/v1/projects', { name: 'p2', token: rotated.body.token })).status).toBe(400);
    expect((await client(app.baseUrl, rotated.body.token).get('/api/v1/me')).status).toBe(401);
    expect((await api.post('/api/v1/runtime-targets', { name: 'dup', base_url: sim.baseUrl, region: 'eu-west-1', provider: 'aws', credential: `${sim.tokens.admin}-wrong` })).status).toBe(422);
    expect(new Set(runtimeSecrets).size).toBe(runtimeSecrets.length);
  });

  it('sends them the ways clients do, succeeding and failing', async () => {
    for (const token of tokens) {
      const api = client(app.baseUrl, token);
      expect((await api.get('/api/v1/me')).status).toBe(200);
      expect((await api.get(`/api/v1/projects?token=${token}`)).status).toBe(400);
      expect((await api.post('/api/v1/projects', { name: token })).status).toBe(400);
      expect((await api.post('/api/v1/projects', { name: 'p', token })).status).toBe(400);
      expect((await api.get('/api/v1/nowhere')).status).toBe(404);
    }
    const owner = client(app.baseUrl, tokens[0]);
    // A revoked key (the owner's second), a wrong secret for a real prefix, and a key sent to an operator route.
    const last = tokens[3];
    const keys = (await owner.get('/api/v1/api-keys')).body.api_keys as { id: string; token_prefix: string }[];
    const lastKey = keys.find((k) => last.startsWith(k.token_prefix))!;
    expect((await owner.delete(`/api/v1/api-keys/${lastKey.id}`)).status).toBe(204);
    expect((await client(app.baseUrl, last).get('/api/v1/me')).status).toBe(401);
    expect((await client(app.baseUrl, `${tokens[1].slice(0, 17)}${'x'.repeat(43)}`).get('/api/v1/me')).status).toBe(401);
    expect((await client(app.baseUrl, tokens[1]).get('/api/v1/operator/organizations')).status).toBe(401);
    await app.app.get(LastUsedRecorder).flush();
  });

  it('finds none of them in the log file or in any column of any table (runs last)', async () => {
    expect(runtimeSecrets).toHaveLength(4);
    const secrets = [...new Set([...tokens, ...runtimeSecrets, app.operatorToken].flatMap(secretForms))];
    // Every table of every schema the application can write (not only public), the event store's included.
    const tables = await sql<{ table_schema: string; table_name: string }>`
      select table_schema, table_name from information_schema.tables
      where table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg_toast%' and table_type = 'BASE TABLE'
      order by table_schema, table_name`.execute(app.storage.db);
    const names = tables.rows.map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(['es_events', 'api_keys', 'api_key_credentials', 'api_key_usage', 'idempotency_records', 'members', 'audit_log',
      'runtime_targets', 'runtime_credentials']));
    let rowsScanned = 0;
    const found: string[] = [];
    for (const { table_schema: schema, table_name: table } of tables.rows) {
      const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(`${schema}.${table}`)} as t`.execute(app.storage.db);
      rowsScanned += rows.rows.length;
      for (const { row } of rows.rows) for (const secret of secrets) if (row.includes(secret)) found.push(`${schema}.${table}: ${secret.slice(0, 16)}…`);
    }
    expect(rowsScanned).toBeGreaterThan(80);
    // The events (es_events) carry each token's public prefix and SHA-256, never the token or its secret.
    expect(found).toEqual([]);

    const log = await settledLog(app, logFile);
    expect(log).toContain('/api/v1/api-keys');
    expect(log).toContain('/api/v1/usage-records');
    expect(log.split('\n').length).toBeGreaterThan(100);
    expect(secrets.filter((secret) => log.includes(secret)).map((s) => `${s.slice(0, 16)}…`)).toEqual([]);
  });
});

/**
 * The log file once every request so far is in it: a last request with a request id of its own is
 * sent, and the file is read once that id's line has arrived (pino writes asynchronously, in order).
 */
async function settledLog(app: TestApp, file: string): Promise<string> {
  const marker = `scan-last-${Date.now()}`;
  await client(app.baseUrl).get('/health/live', { 'x-request-id': marker });
  await waitUntilAsync(async () => existsSync(file) && readFileSync(file, 'utf8').includes(marker));
  return readFileSync(file, 'utf8');
}
