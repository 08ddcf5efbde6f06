import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { rebuild, verifyAll } from '../../apps/cli/src/commands/operator';
import { createOrganization, startTestApp, TestApp } from '../support/test-app';
import { onPostgres } from '../support/test-storage';

const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

describe('operator CLI on the database: verify and rebuild without downtime', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  const operator = () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => { text += chunk; });
    return { op: { storage: app.storage, store: app.platform.store, out }, text: () => text };
  };
  const settled = async () => {
    const head = await app.platform.store.lastCommittedPosition();
    expect(await app.platform.runner.waitFor(head, 20_000)).toBe(true);
  };

  it('finds every projection equal to its rebuild and every audit chain whole, then reports a changed row and a broken chain', async () => {
    const { api, organization } = await createOrganization(app, 'verified');
    for (const name of ['p1', 'p2']) {
      await api.post('/api/v1/projects', { name });
      await api.post(`/api/v1/projects/${name}/environments`, { name: 'prod' });
    }
    await settled();
    const clean = operator();
    expect(await verifyAll(clean.op)).toBe(0);
    expect(clean.text()).toMatch(/ok {3}projects\.projects/);
    expect(clean.text()).toMatch(/ok {3}audit chains of \d+ organizations/);
    expect(clean.text()).toContain('verify: everything matches');
    const schemas = await sql<{ n: string }>`select count(*)::text as n from information_schema.schemata where schema_name like 'dwc_verify_%'`.execute(app.storage.db);
    expect(schemas.rows[0].n).toBe('0');

    await sql`update projects set description = 'edited behind the log' where name = 'p1' and organization_id = ${organization.id}`.execute(app.storage.db);
    await sql`update audit_log set actor_id = 'someone-else' where organization_id = ${organization.id} and action = 'ProjectCreated'`.execute(app.storage.db);
    const dirty = operator();
    expect(await verifyAll(dirty.op)).toBe(1);
    expect(dirty.text()).toMatch(/DIFF projects\.projects: 2 rows differ/);
    expect(dirty.text()).toContain(`BROKEN audit chains: ${organization.id}`);

    // A rebuild puts the projection back as the log says; the chain is a projection too.
    const fix = operator();
    expect(await rebuild(fix.op, 'projects')).toBe(0);
    expect(await rebuild(fix.op, 'audit_log')).toBe(0);
    expect(fix.text()).toMatch(/rebuilt projects up to \d+\.\d+ in \d+ ms and swapped it in/);
    expect(await verifyAll(operator().op)).toBe(0);
    expect((await api.get('/api/v1/projects/p1')).body.description).not.toBe('edited behind the log');
    expect(await rebuild(operator().op, 'no-such-projector')).toBe(2);
  });

  it('keeps answering and projecting while a projector is rebuilt and swapped in', async () => {
    const { api } = await createOrganization(app, 'busy-rebuild');
    for (let i = 0; i < 40; i++) await api.post('/api/v1/projects', { name: `seed-${i}` });
    let running = true;
    const statuses: number[] = [];
    let created = 0;
    const traffic = (async () => {
      for (let i = 0; running; i++) {
        const post = await api.post('/api/v1/projects', { name: `live-${i}` });
        statuses.push(post.status);
        if (post.status === 201) created++;
        statuses.push((await api.get('/api/v1/projects?limit=5')).status);
      }
    })();
    const run = operator();
    expect(await rebuild(run.op, 'projects')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    running = false;
    await traffic;
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set([201, 200]));
    await api.post('/api/v1/projects', { name: 'after-swap' });
    expect((await api.get('/api/v1/projects/after-swap')).status).toBe(200);
    await settled();
    expect(app.platform.runner.healthy).toBe(true);
    const count = await sql<{ n: string }>`select count(*)::text as n from projects where name like 'live-%' or name like 'seed-%' or name = 'after-swap'`.execute(app.storage.db);
    expect(Number(count.rows[0].n)).toBe(40 + created + 1);
    expect(await verifyAll(operator().op)).toBe(0);
  });

  const onServer = onPostgres() ? it : it.skip;
  onServer(`runs as a process on PostgreSQL with plain progress lines when not on a terminal${onPostgres() ? '' : ' [skipped: needs DATABASE_URL; an in-memory PGlite cannot be opened by another process]'}`, async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm test builds it first (tsc -p tsconfig.json)`);
    await settled();
    const child = spawn(process.execPath, [CLI, 'verify'], { env: { ...process.env, DATABASE_URL: app.storage.url, DWC_PROGRESS_INTERVAL_MS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    expect(stdout).toContain('verify: everything matches');
    expect(stderr).toMatch(/rebuild into scratch: done, [\d,]+ positions \(100%\), [\d,]+ positions\/s/);
    expect(stderr).toMatch(/audit chains: done, [\d,]+ entries/);
  });
});
