import { committedEvents } from '../support/committed-events';
import { sql } from 'kysely';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

describe('audit log and event replay', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  it('shows who did what, including refused attempts, in a verifiable hash chain', async () => {
    const { api, organization, owner } = await createOrganization(app, 'audited');
    await api.post('/api/v1/projects', { name: 'p' });
    await api.post('/api/v1/projects/p/environments', { name: 'e' });
    await api.post('/api/v1/projects/p/environments/e/namespaces', { name: 'n' });

    const log = await api.get('/api/v1/audit-log?limit=200');
    expect(log.status).toBe(200);
    const actions = log.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['OrganizationCreated', 'UserAdded', 'ApiKeyIssued', 'ProjectCreated', 'EnvironmentCreated', 'NamespaceCreated']));
    const project = log.body.entries.find((e: { action: string }) => e.action === 'ProjectCreated');
    expect(project).toMatchObject({ actor: { id: owner.id, kind: 'user' }, outcome: 'succeeded', resource: `project-${organization.id}.p` });
    expect((await api.get('/api/v1/audit-log?namespace=n')).body.entries.map((e: { action: string }) => e.action)).toEqual(['NamespaceCreated']);
    expect((await api.get('/api/v1/audit-log/verify')).body).toMatchObject({ ok: true, entries: log.body.entries.length });

    const first = log.body.entries[0];
    const page = await api.get('/api/v1/audit-log?limit=2');
    expect(page.body.entries).toHaveLength(2);
    const next = await api.get(`/api/v1/audit-log?limit=2&cursor=${page.body.next_cursor}`);
    expect(next.body.entries[0].position).toBe(log.body.entries[2].position);
    expect(first.previous_hash).toBe('0'.repeat(64));

    await sql`update audit_log set action = 'Tampered' where event_id = ${log.body.entries[3].id}::uuid`.execute(app.storage.db);
    expect((await api.get('/api/v1/audit-log/verify')).body).toMatchObject({ ok: false, first_bad_position: log.body.entries[3].position });
  });

  it('records a refused request of an organization key as denied', async () => {
    const { api } = await createOrganization(app, 'denied');
    await api.post('/api/v1/projects', { name: 'p' });
    const bad = client(app.baseUrl, 'dwc_AAAAAAAAAAAA_' + 'B'.repeat(43));
    expect((await bad.get('/api/v1/projects')).status).toBe(401);
    const denials = await committedEvents(app, { types: ['AccessDenied'] });
    expect(denials.some((e) => (e.data as { reason: string }).reason === 'unknown_key')).toBe(true);
  });

  it('replays only the caller’s organization’s raw events as NDJSON, from a position', async () => {
    const a = await createOrganization(app, 'replay-a');
    const b = await createOrganization(app, 'replay-b');
    await a.api.post('/api/v1/projects', { name: 'only-a' });
    await b.api.post('/api/v1/projects', { name: 'only-b' });
    const response = await fetch(`${app.baseUrl}/api/v1/events`, { headers: { authorization: `Bearer ${a.api_key.token}` } });
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line));
    const events = lines.slice(0, -1);
    expect(lines[lines.length - 1]).toEqual({ kind: 'resume', resume_from: events[events.length - 1].position, events: events.length, complete: true });
    expect(events.every((e) => e.metadata.organization_id === a.organization.id)).toBe(true);
    expect(events.map((e) => e.type)).toContain('ProjectCreated');
    const after = await fetch(`${app.baseUrl}/api/v1/events?from_position=${events[1].position}`, { headers: { authorization: `Bearer ${a.api_key.token}` } });
    const rest = (await after.text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(rest[0].id).toBe(events[2].id);
    expect((await a.api.get('/api/v1/events?from_position=banana')).status).toBe(400);
  });
});
