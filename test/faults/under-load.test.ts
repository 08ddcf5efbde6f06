import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStorage, Storage } from '../../apps/control-plane/src/platform/database';
import { describeWithOwnServer, PrivatePostgres, startPrivatePostgres } from '../support/private-postgres';
import { client } from '../support/test-app';
import { waitUntilAsync } from '../support/wait';

/**
 * Fault tests under load, against a PostgreSQL server of their own (never the shared one) and the
 * built control plane as a real child process. A separate load process writes projects with
 * Idempotency-Keys and keeps a ledger of every answer; afterwards every acknowledged write must be
 * there exactly once.
 *  (a) PostgreSQL restarted under load: 503s while down, recovery without a process restart.
 *  (b) the control plane killed with SIGKILL under load and started again.
 *  (c) the projector process stalled (SIGSTOP) for 30 s under load: commands answer 202 or wait, reads stay
 *      correct, a key revoked meanwhile is refused at once, /health/ready says so.
 */
const DIST = join(__dirname, '../../dist/apps');
const CONTROL_PLANE = join(DIST, 'control-plane/src/main.js');
const PROJECTOR = join(DIST, 'projector/src/main.js');
const LOAD = join(__dirname, 'load-generator.mjs');
const OPERATOR_TOKEN = 'fault-operator-token-0123456789abcdefghijklmnop';
const CREDENTIAL_KEY = Buffer.alloc(32, 9).toString('base64');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const freePort = () => new Promise<number>((resolve) => {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

interface LedgerEntry { readonly name: string; readonly status: number; readonly type: string }
const statusCounts = (ledger: readonly LedgerEntry[]) =>
  ledger.reduce<Record<string, number>>((counts, e) => ({ ...counts, [`${e.status} ${e.type}`.trim()]: (counts[`${e.status} ${e.type}`.trim()] ?? 0) + 1 }), {});

describeWithOwnServer('faults under load (private PostgreSQL, built control plane)', () => {
  let pg: PrivatePostgres;
  let storage: Storage;
  let dir: string;
  const children = new Set<ChildProcess>();
  beforeAll(async () => {
    pg = await startPrivatePostgres();
    storage = await openStorage({ databaseUrl: pg.url, poolSize: 2 });
    dir = mkdtempSync(join(tmpdir(), 'dwc-faults-'));
  }, 60_000);
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await storage?.close().catch(() => undefined);
    pg?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const spawnChild = (script: string, args: string[], env: Record<string, string>) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk) => { stderr += String(chunk); });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return Object.assign(child, { stderrText: () => stderr });
  };

  async function startControlPlane(port: number, env: Record<string, string> = {}) {
    const child = spawnChild(CONTROL_PLANE, [], {
      DATABASE_URL: pg.url, PORT: String(port), HOST: '127.0.0.1', DWC_OPERATOR_TOKEN: OPERATOR_TOKEN, DWC_CREDENTIAL_KEY: CREDENTIAL_KEY,
      DWC_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'error', DWC_PROBE_INTERVAL_MS: '0', DWC_PG_CONNECT_TIMEOUT_MS: '1000',
      DWC_IDEMPOTENCY_PENDING_EXPIRY_SECONDS: '2', ...env,
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitUntilAsync(async () => (await fetch(`${baseUrl}/health/live`).then((r) => r.status).catch(() => 0)) === 200, 60_000, 100);
    return { child, baseUrl };
  }

  const startLoad = (baseUrl: string, token: string, prefix: string) => {
    const ledger = join(dir, `${prefix}.ledger`);
    writeFileSync(ledger, '');
    const child = spawnChild(LOAD, [baseUrl, token, ledger, prefix, '4'], {});
    return {
      stop: async (): Promise<LedgerEntry[]> => {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
        return readFileSync(ledger, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LedgerEntry);
      },
    };
  };

  /** Every acknowledged project is in the log once and in the read model once; no project is there twice. */
  async function assertLedgerHolds(ledger: readonly LedgerEntry[], prefix: string, organizationId: string) {
    const acknowledged = [...new Set(ledger.filter((e) => e.status === 201 || e.status === 202).map((e) => e.name))];
    expect(acknowledged.length).toBeGreaterThan(10);
    const created = await sql<{ name: string; n: number }>`select data->>'name' as name, count(*)::int as n from es_events
      where type = 'ProjectCreated' and organization_id = ${organizationId} and data->>'name' like ${`${prefix}-%`} group by 1`.execute(storage.db);
    const inLog = new Map(created.rows.map((r) => [r.name, r.n]));
    for (const name of acknowledged) expect([name, inLog.get(name)]).toEqual([name, 1]);
    expect(created.rows.every((r) => r.n === 1)).toBe(true);
    await waitUntilAsync(async () => Number((await sql<{ n: number }>`select count(*)::int as n from projects
      where organization_id = ${organizationId} and name like ${`${prefix}-%`}`.execute(storage.db)).rows[0].n) === created.rows.length, 30_000, 200);
    const rows = await sql<{ name: string; n: number }>`select name, count(*)::int as n from projects
      where organization_id = ${organizationId} and name like ${`${prefix}-%`} group by 1`.execute(storage.db);
    expect(rows.rows.every((r) => r.n === 1)).toBe(true);
    for (const name of acknowledged) expect(rows.rows.some((r) => r.name === name)).toBe(true);
    // The audit log holds each of the organization's events once: as many entries as events.
    const count = async (table: 'es_events' | 'audit_log') =>
      Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where organization_id = ${organizationId}`.execute(storage.db)).rows[0].n);
    await waitUntilAsync(async () => (await count('audit_log')) === (await count('es_events')), 30_000, 200);
    return acknowledged.length;
  }

  async function organization(baseUrl: string, name: string) {
    const created = await client(baseUrl, OPERATOR_TOKEN).post('/api/v1/operator/organizations', { name, owner_email: `o@${name}.test` });
    expect(created.status).toBe(201);
    return { id: created.body.organization.id as string, ownerId: created.body.owner.id as string, token: created.body.api_key.token as string };
  }

  it('(a) PostgreSQL restarted under load: 503s while down, full service after, no process restart, nothing acknowledged lost', async () => {
    const { child, baseUrl } = await startControlPlane(await freePort());
    const org = await organization(baseUrl, 'fault-a');
    const load = startLoad(baseUrl, org.token, 'a');
    await sleep(2000);
    pg.stop('fast');
    await sleep(2500);
    expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(503);
    // Asked directly while PostgreSQL is down (the load's own requests may all be inside a
    // consistency wait that outlasts the outage): a write and a read answer 503 problem documents.
    const api = client(baseUrl, org.token);
    for (const answer of [await api.post('/api/v1/projects', { name: 'a-while-down' }), await api.get('/api/v1/projects')]) {
      expect([answer.status, answer.headers.get('content-type'), answer.body.type]).toEqual([503, expect.stringContaining('application/problem+json'), expect.stringMatching(/storage-unavailable$/)]);
    }
    pg.start();
    await waitUntilAsync(async () => (await fetch(`${baseUrl}/health/ready`).then((r) => r.status).catch(() => 0)) === 200, 30_000, 200);
    await sleep(2000);
    const ledger = await load.stop();
    expect(child.exitCode).toBeNull();
    expect({ otherServerErrors: ledger.filter((e) => e.status >= 500 && e.status !== 503), statuses: statusCounts(ledger) })
      .toMatchObject({ otherServerErrors: [] });
    expect((await api.get('/api/v1/projects/a-while-down')).status).toBe(404);
    await assertLedgerHolds(ledger, 'a', org.id);
    child.kill('SIGTERM');
  }, 120_000);

  it('(b) the control plane killed with SIGKILL under load and started again: every acknowledged write there once', async () => {
    const port = await freePort();
    let { child, baseUrl } = await startControlPlane(port);
    const org = await organization(baseUrl, 'fault-b');
    const load = startLoad(baseUrl, org.token, 'b');
    for (let round = 0; round < 2; round++) {
      await sleep(1500);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      await sleep(300);
      ({ child, baseUrl } = await startControlPlane(port));
    }
    await sleep(3000);
    const ledger = await load.stop();
    expect(ledger.some((e) => e.status === 0)).toBe(true);
    await assertLedgerHolds(ledger, 'b', org.id);
    child.kill('SIGTERM');
  }, 120_000);

  it('(c) the projector stalled for 30 s under load: commands answer 202 or wait, reads stay correct, a revoked key is refused at once', async () => {
    const { child, baseUrl } = await startControlPlane(await freePort(), {
      DWC_EMBEDDED_PROJECTOR: 'false', DWC_CONSISTENCY_WAIT_MS: '500', DWC_PROJECTOR_STALL_MS: '1500',
    });
    const projector = spawnChild(PROJECTOR, [], { DATABASE_URL: pg.url, LOG_LEVEL: 'error' });
    const org = await organization(baseUrl, 'fault-c');
    const api = client(baseUrl, org.token);
    // The projector process starts from nothing: the owner's key counts once it has projected it.
    await waitUntilAsync(async () => (await api.get('/api/v1/me')).status === 200, 30_000, 200);
    const member = await api.post('/api/v1/users', { email: 'm@fault-c.test', organization_role: 'member' });
    const key = await api.post('/api/v1/api-keys', { principal_id: member.body.id, name: 'soon revoked' });
    const memberApi = client(baseUrl, key.body.token);
    // The projector process is catching up from the start: the first answers may be 202s.
    await waitUntilAsync(async () => (await memberApi.get('/api/v1/me')).status === 200, 30_000, 100)
      .catch(async (error) => { throw new Error(`${error.message}; member ${member.status} ${JSON.stringify(member.body)} key ${key.status} ${JSON.stringify(key.body)} me ${JSON.stringify((await memberApi.get('/api/v1/me')).body)}; projector: ${projector.exitCode} ${projector.stderrText()}; control plane: ${child.stderrText()}`); });
    expect([201, 202]).toContain((await api.post('/api/v1/projects', { name: 'c-before' })).status);
    await waitUntilAsync(async () => (await api.get('/api/v1/projects/c-before')).status === 200, 30_000, 100);
    const load = startLoad(baseUrl, org.token, 'c');
    await sleep(1000);

    projector.kill('SIGSTOP');
    const stalledAt = Date.now();
    try {
      const revoked = await api.delete(`/api/v1/api-keys/${key.body.id}`);
      expect([202, 204]).toContain(revoked.status);
      expect((await memberApi.get('/api/v1/me')).status).toBe(401);
      const during = await api.post('/api/v1/projects', { name: 'c-during' });
      expect(during.status).toBe(202);
      expect((await api.get('/api/v1/projects/c-before')).status).toBe(200);
      await sleep(2500);
      expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(503);
      expect((await memberApi.get('/api/v1/me')).status).toBe(401);
      // Held for the whole 30 s while the load goes on: the same answers at the end of the stall.
      await sleep(Math.max(0, 30_000 - (Date.now() - stalledAt)));
      expect((await memberApi.get('/api/v1/me')).status).toBe(401);
      expect((await api.post('/api/v1/projects', { name: 'c-late' })).status).toBe(202);
      expect((await api.get('/api/v1/projects/c-before')).status).toBe(200);
      expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(503);
    } finally {
      projector.kill('SIGCONT');
    }
    await waitUntilAsync(async () => (await fetch(`${baseUrl}/health/ready`)).status === 200, 30_000, 200);
    const ledger = await load.stop();
    expect(ledger.some((e) => e.status === 202)).toBe(true);
    expect(ledger.filter((e) => e.status >= 500)).toEqual([]);
    await assertLedgerHolds(ledger, 'c', org.id);
    expect((await api.get('/api/v1/projects/c-during')).status).toBe(200);
    expect((await api.get('/api/v1/projects/c-late')).status).toBe(200);
    expect((await memberApi.get('/api/v1/me')).status).toBe(401);
    child.kill('SIGTERM');
    projector.kill('SIGTERM');
  }, 180_000);
}, existsSync(CONTROL_PLANE));
