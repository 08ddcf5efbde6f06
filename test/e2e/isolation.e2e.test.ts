import { firstChunk } from '../support/first-chunk';
import { sql } from 'kysely';
import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { FailedAuthThrottle } from '../../apps/control-plane/src/auth/failed-auth-throttle';
import { TestClock } from '../support/clock';
import { OpenApiDocument } from '../support/openapi-bodies';
import { bodyOf, buildWorld, callerToken, fixtureFor, World } from '../support/route-fixtures';
import { fillPath, openApiPath, pathParams, RegisteredRoute, registeredRoutes } from '../support/routes';
import { startSimulators } from '../support/runtime-fixtures';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

/**
 * Tenant isolation on every route the application serves, found from the Nest router's metadata (so
 * a route added later is covered — and fails until it has a positive-control fixture in
 * test/support/route-fixtures.ts); only `@Public()` routes are skipped. Organization B is the target.
 * For each route, B's rightful caller first gets the fixture's request ready (real resources of B), then
 * every other credential tries that very request and must be refused wherever it would touch B, never
 * get a 5xx and never see B's data; the log may have gained nothing but refusal records (and, for
 * another organization's key on a route that names nothing of B, that organization's own events).
 * Last, B's rightful caller sends the same request and must get a 2xx: a refusal above is therefore
 * the isolation's doing, not a bad path or body.
 */

type Credential = {
  readonly name: string;
  readonly token: string | undefined;
  /** unauthenticated: must be 401 everywhere; foreign: org A's owner; sibling: B's admin of its other namespace only. */
  readonly kind: 'unauthenticated' | 'operator' | 'foreign' | 'sibling';
};

interface Outcome { readonly status: number; readonly text: string; readonly headers: Headers }

/** Records of a refusal (the guard's and the authorizer's AccessDenied, a refused runtime command), not changes of anyone's data. */
const isObservation = (type: string) => type === 'AccessDenied' || /^[A-Za-z]+Refused$/.test(type);

describe('tenant isolation on every registered route', () => {
  let app: TestApp;
  let sims: RuntimeSimulator[];
  const clock = new TestClock();
  beforeAll(async () => {
    app = await startTestApp({ clock: clock.now, probeIntervalMs: 0 });
    sims = await startSimulators(2, 'iso');
    // Hundreds of deliberate failures come from one address; the throttle (tested on its own) would turn them into 429s.
    jest.spyOn(app.app.get(FailedAuthThrottle), 'recordFailure').mockReturnValue(0);
  });
  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.close()));
    await app.close();
  });

  /** B's world plus a namespace admin of its other namespace, a service account key, and dead keys of its owner. */
  async function organizationB(b: World) {
    const nsAdmin = await b.owner.post('/api/v1/users', { email: 'nsadmin@bravo.test', organization_role: 'member' });
    const nsAdminBinding = await b.owner.post('/api/v1/role-bindings', { principal_id: nsAdmin.body.id, role: 'admin', scope: { namespace: b.otherNamespace } });
    const nsAdminKey = await b.owner.post('/api/v1/api-keys', { principal_id: nsAdmin.body.id, name: 'ns admin' });
    const saKey = await b.owner.post('/api/v1/api-keys', { principal_id: b.serviceAccountId, name: 'bot' });
    const revoked = await b.owner.post('/api/v1/api-keys', { principal_id: b.ownerId, name: 'revoked' });
    const expiring = await b.owner.post('/api/v1/api-keys', { principal_id: b.ownerId, name: 'expiring', expires_at: clock.in(3_600_000) });
    for (const created of [nsAdmin, nsAdminBinding, nsAdminKey, saKey, revoked, expiring]) expect(created.status).toBe(201);
    for (const created of [nsAdmin, nsAdminBinding, nsAdminKey, saKey]) b.remember(created);
    // Every credential worked before it was revoked or expired: the refusals below are the isolation's doing.
    expect((await client(app.baseUrl, revoked.body.token).get(`/api/v1/projects/${b.project}`)).status).toBe(200);
    expect((await client(app.baseUrl, expiring.body.token).get(`/api/v1/projects/${b.project}`)).status).toBe(200);
    expect((await client(app.baseUrl, nsAdminKey.body.token).get(`/api/v1/namespaces/${b.otherNamespace}`)).status).toBe(200);
    expect((await b.owner.delete(`/api/v1/api-keys/${revoked.body.id}`)).status).toBe(204);
    // The key's expiry passes on the application's clock, not by waiting for it.
    clock.advance(2 * 3_600_000);
    expect((await client(app.baseUrl, expiring.body.token).get('/api/v1/me')).body).toMatchObject({ status: 401, reason: 'expired' });
    return { nsAdminToken: nsAdminKey.body.token as string, revokedToken: revoked.body.token as string, expiredToken: expiring.body.token as string };
  }

  const call = async (method: string, path: string, token: string | undefined, body: unknown): Promise<Outcome> => {
    const withBody = !['GET', 'HEAD', 'DELETE'].includes(method);
    const response = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(withBody ? { 'content-type': 'application/json' } : {}) },
      body: withBody ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    // A server-sent event stream never ends: its status and first bytes are the answer.
    const streaming = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
    return { status: response.status, text: streaming ? await firstChunk(response) : await response.text(), headers: response.headers };
  };

  /** The global position of the last committed event: events after it are what a step appended. */
  const head = async () => (await sql<{ p: string | null }>`select max(global_position)::text as p from es_events`.execute(app.storage.db)).rows[0].p ?? '0';
  // Process streams (process_…) advance on their own — the replication saga checks on its interval — and
  // whatever a process does shows in the aggregate streams it commands, which are compared.
  const appendedSince = async (position: string) => (await sql<{ type: string; stream_id: string; organization_id: string | null }>`
    select type, stream_id, organization_id from es_events where global_position > ${position}::bigint and stream_id not like 'process\_%'
    order by global_position`.execute(app.storage.db)).rows;
  const streamsOf = async (organizationId: string) => (await sql<{ stream_id: string; n: string }>`
    select stream_id, count(*)::text as n from es_events where stream_id like ${`%${organizationId}%`} and type <> 'AccessDenied'
      and type not like '%Refused' and stream_id not like 'process\_%' group by stream_id order by stream_id`.execute(app.storage.db)).rows;

  it('refuses no key, revoked and expired keys, the operator, another organization\'s key and a sibling namespace\'s admin, where the owner succeeds', async () => {
    const b = await buildWorld(app, clock, 'bravo', sims);
    const extra = await organizationB(b);
    const a = await createOrganization(app, 'alpha');
    expect((await a.api.get('/api/v1/me')).status).toBe(200);
    const doc = (await client(app.baseUrl).get<OpenApiDocument>('/docs/openapi.json')).body;

    const routes = registeredRoutes(app.app).filter((route) => route.audience !== 'public');
    const seen = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const known of ['GET /api/v1/me', 'POST /api/v1/users', 'DELETE /api/v1/members/:id', 'POST /api/v1/api-keys/:id/rotate',
      'POST /api/v1/role-bindings', 'PATCH /api/v1/namespaces/:namespace', 'POST /api/v1/operator/organizations', 'POST /api/v1/usage-records',
      'PUT /api/v1/namespaces/:namespace/runtime/*', 'OPTIONS /api/v1/namespaces/:namespace/runtime/*', 'SEARCH /api/v1/namespaces/:namespace/runtime/*']) {
      expect(seen).toContain(known);
    }
    expect([...seen].some((route) => route.startsWith('GET /health'))).toBe(false);
    // Every route has its positive control before anything runs: a new route without one fails here, by name.
    const missing = routes.flatMap((route) => { try { fixtureFor(route); return []; } catch (error) { return [(error as Error).message]; } });
    expect(missing).toEqual([]);

    const credentials: Credential[] = [
      { name: 'no key', token: undefined, kind: 'unauthenticated' },
      { name: 'revoked key of B\'s owner', token: extra.revokedToken, kind: 'unauthenticated' },
      { name: 'expired key of B\'s owner', token: extra.expiredToken, kind: 'unauthenticated' },
      { name: 'operator token', token: app.operatorToken, kind: 'operator' },
      { name: 'key of A\'s owner', token: a.api_key.token, kind: 'foreign' },
      { name: `B's admin of namespace ${b.otherNamespace}`, token: extra.nsAdminToken, kind: 'sibling' },
    ];
    const namesB = () => [...b.markers];
    /** B's namespaces other than the one the namespace admin administers, by name or id. */
    const siblingPattern = new RegExp(`\\bbravo-(n2|ns-\\d+)\\b|${b.namespaceId}|${b.bindingId}`);
    const mentionsB = (text: string) => namesB().some((m) => text.includes(m));

    /** Why this outcome breaks isolation, or null when it is a proper refusal (or harmless). */
    const violation = (route: RegisteredRoute, credential: Credential, targetsB: boolean, { status, text }: Outcome): string | null => {
      const refused = [401, 403, 404].includes(status);
      const ok = status >= 200 && status < 300;
      if (status >= 500) return 'server error';
      if (route.audience === 'operator' || credential.kind === 'unauthenticated' || (credential.kind === 'operator' && route.audience === 'organization')) {
        return status === 401 ? null : 'expected 401';
      }
      if (route.audience === 'ingest') return refused ? null : 'an organization credential passed an ingest-token route';
      if (credential.kind === 'foreign') {
        if (targetsB) return refused ? null : 'not refused although it names B\'s resources';
        return ok && mentionsB(text) ? 'answered with B\'s data' : null;
      }
      if (credential.kind === 'sibling') {
        if (route.method !== 'GET' || pathParams(route.path).includes('namespace')) return refused ? null : 'not refused for the sibling namespace';
        return ok && siblingPattern.test(text) ? 'answered with the sibling namespace' : null;
      }
      return null;
    };

    /** Query selectors naming B's resources, tried on every list route by A's key and the sibling's. */
    const selectors: Record<string, string>[] = [
      { namespace: b.namespace }, { project: b.project }, { environment: b.environment }, { principal_id: b.ownerId }, { principal: b.ownerId },
      { actor: b.ownerId }, { stream: `namespace-${b.organizationId}.${b.namespace}` }, { organization_id: b.organizationId },
    ];

    const failures: string[] = [];
    let calls = 0;
    let controls = 0;
    for (const route of routes) {
      const prepared = await fixtureFor(route)(b);
      const path = fillPath(route.path, (name) => {
        const value = prepared.params[name];
        if (value === undefined) throw new Error(`fixture of ${route.method} ${route.path} gives no value for :${name}`);
        return value;
      });
      const query = prepared.query ? `?${new URLSearchParams(prepared.query)}` : '';
      const body = bodyOf(doc, route.method, openApiPath(route.path), prepared);
      const targetsB = pathParams(route.path).length > 0 || mentionsB(JSON.stringify(body) + query);
      const streamsBefore = await streamsOf(b.organizationId);
      const position = await head();
      for (const credential of credentials) {
        if (credential.kind === 'operator' && route.audience === 'operator') continue;
        const outcome = await call(route.method, path + query, credential.token, body);
        calls += 1;
        const problem = violation(route, credential, targetsB, outcome);
        if (problem) failures.push(`${route.method} ${path}${query} with ${credential.name}: ${outcome.status} (${problem}) ${outcome.text.slice(0, 200)}`);
        if (route.method === 'GET' && pathParams(route.path).length === 0 && (credential.kind === 'foreign' || credential.kind === 'sibling')) {
          for (const selector of selectors) {
            const selected = `${path}?${new URLSearchParams({ ...prepared.query, ...selector })}`;
            const answer = await call('GET', selected, credential.token, undefined);
            calls += 1;
            const leak = answer.status >= 500 ? 'server error'
              : answer.status >= 300 ? null
                : credential.kind === 'foreign' ? (mentionsB(answer.text) ? 'answered with B\'s data' : null)
                  : (siblingPattern.test(answer.text) ? 'answered with the sibling namespace' : null);
            if (leak) failures.push(`GET ${selected} with ${credential.name}: ${answer.status} (${leak}) ${answer.text.slice(0, 200)}`);
          }
        }
      }
      // Nothing but refusal records was appended — B's streams exactly as they were, and nothing anywhere
      // else either, except A's own events when A's key used a route that names nothing of B.
      for (const event of await appendedSince(position)) {
        if (isObservation(event.type)) continue;
        const ownByA = event.stream_id.includes(a.organization.id) && !event.stream_id.includes(b.organizationId) && !targetsB;
        if (!ownByA) failures.push(`${route.method} ${path}: a refused caller appended ${event.type} to ${event.stream_id}`);
      }
      expect({ route: `${route.method} ${route.path}`, streams: await streamsOf(b.organizationId) })
        .toEqual({ route: `${route.method} ${route.path}`, streams: streamsBefore });

      // The positive control: the same request from B's rightful caller succeeds.
      const control = await call(route.method, path + query, callerToken(b, prepared), body);
      controls += 1;
      const expected = prepared.expect ?? 'success';
      const passed = expected === 'forwarded' ? control.headers.get('x-dwc-runtime-target') === b.targetId : control.status >= 200 && control.status < 300;
      if (!passed) failures.push(`positive control ${route.method} ${path}${query}: ${control.status} (expected ${expected}) ${control.text.slice(0, 300)}`);
      if (control.text && (prepared.caller ?? 'owner') === 'owner') b.remember({ status: control.status, headers: control.headers, body: control.text });
    }
    expect(failures).toEqual([]);
    expect(controls).toBe(routes.length);
    expect(calls).toBeGreaterThan(routes.length * 5);
    // B still works for its own owner, and its sibling namespace is intact.
    expect((await b.owner.get(`/api/v1/namespaces/${b.namespace}`)).body).toMatchObject({ name: b.namespace, state: 'active' });
  }, 600_000); // hundreds of real HTTP calls, one per route × credential; grows with the routes
});
