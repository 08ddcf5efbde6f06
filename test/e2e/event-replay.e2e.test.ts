import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { createNamespace, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { createOrganization, startTestApp, TestApp } from '../support/test-app';

const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

const ndjson = async (app: TestApp, token: string, query: string) => {
  const response = await fetch(`${app.baseUrl}/api/v1/events${query}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { response, lines: response.status === 200 ? text.trim().split('\n').map((l) => JSON.parse(l)) : [], text };
};

describe('streaming replay, the replay CLI and forwarded commands end to end', () => {
  let app: TestApp;
  let sim: RuntimeSimulator;
  beforeAll(async () => {
    app = await startTestApp();
    [sim] = await startSimulators(1, 'replay');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it('pages with a limit and resumes from the last line, filters by stream and types, and refuses a foreign stream', async () => {
    const a = await createOrganization(app, 'stream-a');
    const b = await createOrganization(app, 'stream-b');
    for (const name of ['p1', 'p2', 'p3']) await a.api.post('/api/v1/projects', { name });
    await a.api.patch('/api/v1/projects/p2', { description: 'second' });
    await b.api.post('/api/v1/projects', { name: 'p1' });

    const all = await ndjson(app, a.api_key.token, '');
    expect(all.response.headers.get('x-dwc-head-position')).toMatch(/^\d+\.\d+$/);
    const events = all.lines.slice(0, -1);
    const first = await ndjson(app, a.api_key.token, '?limit=2');
    expect(first.lines).toHaveLength(3);
    expect(first.lines[2]).toEqual({ kind: 'resume', resume_from: first.lines[1].position, events: 2, complete: false });
    const rest = await ndjson(app, a.api_key.token, `?from_position=${first.lines[2].resume_from}`);
    expect([...first.lines.slice(0, 2), ...rest.lines.slice(0, -1)].map((e) => e.id)).toEqual(events.map((e) => e.id));

    const stream = `project-${a.organization.id}.p2`;
    const one = await ndjson(app, a.api_key.token, `?stream=${stream}`);
    expect(one.lines.slice(0, -1).map((e) => [e.stream, e.type, e.revision])).toEqual([[stream, 'ProjectCreated', '0'], [stream, 'ProjectUpdated', '1']]);
    expect(one.lines[2]).toMatchObject({ kind: 'resume', resume_from: one.lines[1].position, complete: true });
    const typed = await ndjson(app, a.api_key.token, '?types=ProjectUpdated,ProjectCreated');
    expect(new Set(typed.lines.slice(0, -1).map((e) => e.type))).toEqual(new Set(['ProjectCreated', 'ProjectUpdated']));
    const after = await ndjson(app, a.api_key.token, `?stream=${stream}&from_position=${one.lines[0].position}`);
    expect(after.lines.slice(0, -1).map((e) => e.type)).toEqual(['ProjectUpdated']);

    expect((await ndjson(app, a.api_key.token, `?stream=project-${b.organization.id}.p1`)).response.status).toBe(404);
    expect((await ndjson(app, a.api_key.token, '?stream=project-nothing.here')).response.status).toBe(404);
    for (const bad of ['?types=1nope', '?limit=0', '?stream=a%20b', '?from_position=1.x']) {
      const response = await ndjson(app, a.api_key.token, bad);
      expect([bad, response.response.status, response.response.headers.get('content-type')]).toEqual([bad, 400, expect.stringContaining('application/problem+json')]);
    }
  });

  it('replays one organization over HTTP with the CLI while another organization writes, and returns none of the other\'s events', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm test builds it first (tsc -p tsconfig.json)`);
    const a = await createOrganization(app, 'replayed');
    const b = await createOrganization(app, 'busy');
    for (let i = 0; i < 30; i++) await a.api.post('/api/v1/projects', { name: `a${i}` });
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) await b.api.post('/api/v1/projects', { name: `b${i}` });
    })();
    const out = join(mkdtempSync(join(tmpdir(), 'dwc-replay-')), 'replay.ndjson');
    const child = spawn(process.execPath, [CLI, 'replay', '--out', out], {
      env: { ...process.env, DWC_URL: app.baseUrl, DWC_API_KEY: a.api_key.token, DWC_PROGRESS_INTERVAL_MS: '50' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    writing = false;
    await writer;
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/replayed \d+ events into/) });
    expect(stderr).toMatch(/replay: done, [\d,]+ events \(100%\)/);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const events = lines.slice(0, -1);
    expect(events.length).toBeGreaterThan(30);
    expect(events.every((e) => e.metadata.organization_id === a.organization.id)).toBe(true);
    expect(lines[lines.length - 1]).toMatchObject({ kind: 'resume', complete: true, resume_from: events[events.length - 1].position });
    const direct = await ndjson(app, a.api_key.token, '');
    expect(events.map((e) => e.id)).toEqual(direct.lines.slice(0, -1).map((e) => e.id).slice(0, events.length));

    const missing = spawn(process.execPath, [CLI, 'replay'], { env: { ...process.env, DWC_URL: '', DWC_API_KEY: '' }, stdio: 'ignore' });
    expect(await new Promise((resolve) => missing.on('exit', resolve))).toBe(2);
  });

  it('links a forwarded command\'s acceptance and the runtime\'s outcome in its audit entries', async () => {
    const { api } = await createOrganization(app, 'forwarded');
    const target = await registerTarget(api, sim);
    await createNamespace(api, 'orders', target.id);
    const start = await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'order', workflow_id: 'wf-linked' });
    expect(start.status).toBe(201);
    const auditId = start.headers.get('x-dwc-audit-id');
    const entries = (await api.get('/api/v1/audit-log?limit=200', { 'x-dwc-min-position': start.headers.get('x-dwc-position')! })).body.entries;
    const accepted = entries.find((e: { action: string }) => e.action === 'RuntimeCommandAccepted');
    const forwarded = entries.find((e: { action: string }) => e.action === 'RuntimeCommandForwarded');
    const link = { audit_id: auditId, acceptance_position: accepted.position, outcome_position: forwarded.position, runtime_status: 201, runtime_outcome: 'started_new' };
    expect(accepted.command).toEqual(link);
    expect(forwarded.command).toEqual(link);
    expect(accepted.resource).toBe(forwarded.resource);
    expect(accepted.request_id).toBe(forwarded.request_id);
    const commands = (await api.get('/api/v1/namespaces/orders/runtime-commands')).body;
    expect(JSON.stringify(commands)).toContain(auditId!);
  });
});
