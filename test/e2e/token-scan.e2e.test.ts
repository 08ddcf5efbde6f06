import { sql } from 'kysely';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LastUsedRecorder } from '../../apps/control-plane/src/auth/last-used-recorder';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

/**
 * Tokens are shown once and never kept: after issuing tokens every way there is (organization
 * bootstrap, API keys for a user and a service account, rotation, an idempotent retry) and sending
 * them in every place a client might (header, query, body, failing and succeeding requests), neither
 * the debug log file nor any column of any table of the database contains one. The scan runs last.
 */
describe('no token in logs or storage', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'dwc-token-scan-'));
  const logFile = join(logDir, 'control-plane.log');
  const saved = { file: process.env.DWC_LOG_FILE, level: process.env.LOG_LEVEL };
  const tokens: string[] = [];
  let app: TestApp;

  beforeAll(async () => {
    process.env.DWC_LOG_FILE = logFile;
    process.env.LOG_LEVEL = 'debug';
    app = await startTestApp();
  });
  afterAll(async () => {
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
    const secrets = [...tokens, ...tokens.map((t) => t.slice(-43)), app.operatorToken];
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(app.storage.db);
    const names = tables.rows.map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(['es_events', 'api_keys', 'api_key_credentials', 'api_key_usage', 'idempotency_records', 'members', 'audit_log']));
    let rowsScanned = 0;
    const found: string[] = [];
    for (const table of names) {
      const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(table)} as t`.execute(app.storage.db);
      rowsScanned += rows.rows.length;
      for (const { row } of rows.rows) for (const secret of secrets) if (row.includes(secret)) found.push(`${table}: ${secret.slice(0, 16)}…`);
    }
    expect(rowsScanned).toBeGreaterThan(50);
    // The events (es_events) carry each token's public prefix and SHA-256, never the token or its secret.
    expect(found).toEqual([]);

    const log = await settledLog(logFile);
    expect(log).toContain('/api/v1/api-keys');
    expect(log.split('\n').length).toBeGreaterThan(100);
    expect(secrets.filter((secret) => log.includes(secret)).map((s) => `${s.slice(0, 16)}…`)).toEqual([]);
  });
});

/** The log file once pino's asynchronous writes have stopped (its size holds for 300 ms). */
async function settledLog(file: string): Promise<string> {
  let size = -1;
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = existsSync(file) ? statSync(file).size : 0;
    if (now === size && now > 0) break;
    size = now;
  }
  return readFileSync(file, 'utf8');
}
