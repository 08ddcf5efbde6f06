import { committedEvents } from '../support/committed-events';
import { FailedAuthThrottle } from '../../apps/control-plane/src/auth/failed-auth-throttle';
import { OpenApiDocument, sampleBody } from '../support/openapi-bodies';
import { fillPath, openApiPath, pathParams, RegisteredRoute, registeredRoutes } from '../support/routes';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

/**
 * Tenant isolation on every route the application serves, found from the Nest router's metadata (so
 * a route added later is covered without touching this file); only `@Public()` routes are skipped.
 * Organization B is the target; each credential below must be refused wherever it would touch B,
 * never get a 5xx, never see B's data, and leave B's event log as it was.
 */

type Credential = {
  readonly name: string;
  readonly token: string | undefined;
  /** unauthenticated: must be 401 everywhere; foreign: org A's owner; sibling: B's admin of namespace n1 only. */
  readonly kind: 'unauthenticated' | 'operator' | 'foreign' | 'sibling';
};

interface Outcome { readonly status: number; readonly text: string }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tenant isolation on every registered route', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    // Hundreds of deliberate failures come from one address; the throttle (tested on its own) would turn them into 429s.
    jest.spyOn(app.app.get(FailedAuthThrottle), 'retryAfterSeconds').mockReturnValue(0);
  });
  afterAll(() => app.close());

  /** Organization B with a namespace admin on bravo-n1 (sibling bravo-n2), a service account, and dead keys of its owner. */
  async function organizationB() {
    const b = await createOrganization(app, 'bravo');
    await b.api.post('/api/v1/projects', { name: 'bravo-shop' });
    await b.api.post('/api/v1/projects/bravo-shop/environments', { name: 'bravo-prod' });
    const n1 = await b.api.post('/api/v1/projects/bravo-shop/environments/bravo-prod/namespaces', { name: 'bravo-n1' });
    const n2 = await b.api.post('/api/v1/projects/bravo-shop/environments/bravo-prod/namespaces', { name: 'bravo-n2' });
    const member = await b.api.post('/api/v1/users', { email: 'member@bravo.test', organization_role: 'member' });
    const nsAdmin = await b.api.post('/api/v1/users', { email: 'nsadmin@bravo.test', organization_role: 'member' });
    const nsAdminBinding = await b.api.post('/api/v1/role-bindings', { principal_id: nsAdmin.body.id, role: 'admin', scope: { namespace: 'bravo-n1' } });
    const nsAdminKey = await b.api.post('/api/v1/api-keys', { principal_id: nsAdmin.body.id, name: 'ns admin' });
    const sa = await b.api.post('/api/v1/service-accounts', { name: 'bravo-bot' });
    const saBinding = await b.api.post('/api/v1/role-bindings', { principal_id: sa.body.id, role: 'viewer', scope: { namespace: 'bravo-n2' } });
    const saKey = await b.api.post('/api/v1/api-keys', { principal_id: sa.body.id, name: 'bot' });
    const revoked = await b.api.post('/api/v1/api-keys', { principal_id: b.owner.id, name: 'revoked' });
    const expiresAt = Date.now() + 1500;
    const expiring = await b.api.post('/api/v1/api-keys', { principal_id: b.owner.id, name: 'expiring', expires_at: new Date(expiresAt).toISOString() });
    for (const created of [n1, n2, member, nsAdmin, nsAdminBinding, nsAdminKey, sa, saBinding, saKey, revoked, expiring]) expect(created.status).toBe(201);
    // Every credential worked before it was revoked or expired: the refusals below are the isolation's doing.
    expect((await client(app.baseUrl, revoked.body.token).get('/api/v1/projects/bravo-shop')).status).toBe(200);
    expect((await client(app.baseUrl, expiring.body.token).get('/api/v1/projects/bravo-shop')).status).toBe(200);
    expect((await client(app.baseUrl, nsAdminKey.body.token).get('/api/v1/namespaces/bravo-n1')).status).toBe(200);
    expect((await b.api.delete(`/api/v1/api-keys/${revoked.body.id}`)).status).toBe(204);
    return {
      ...b, n1: n1.body, n2: n2.body, member: member.body, nsAdmin: nsAdmin.body, nsAdminToken: nsAdminKey.body.token as string,
      sa: sa.body, saBinding: saBinding.body, saKey: saKey.body, revokedToken: revoked.body.token as string,
      expiringToken: expiring.body.token as string, expiresAt,
    };
  }

  const call = async (method: string, path: string, token: string | undefined, body: unknown): Promise<Outcome> => {
    const withBody = !['GET', 'DELETE'].includes(method);
    const response = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(withBody ? { 'content-type': 'application/json' } : {}) },
      body: withBody ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, text: await response.text() };
  };

  /**
   * The organization's events, without the records of refused attempts: `AccessDenied` (the guard and
   * the authorizer) and `…Refused` facts (a refused runtime command is recorded with its command facts).
   * Those are observations of a refusal, not changes of the organization's data.
   */
  const organizationEvents = async (organizationId: string) =>
    (await committedEvents(app, { organizationId }))
      .filter((e) => e.type !== 'AccessDenied' && !/^[A-Za-z]+Refused$/.test(e.type)).length;

  it('refuses no key, revoked and expired keys, another organization\'s key and a sibling namespace\'s admin', async () => {
    const b = await organizationB();
    const a = await createOrganization(app, 'alpha');
    expect((await a.api.get('/api/v1/me')).status).toBe(200);
    const doc = (await client(app.baseUrl).get<OpenApiDocument>('/docs/openapi.json')).body;

    const routes = registeredRoutes(app.app).filter((route) => route.audience !== 'public');
    const seen = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const known of ['GET /api/v1/me', 'POST /api/v1/users', 'DELETE /api/v1/members/:id', 'POST /api/v1/api-keys/:id/rotate',
      'POST /api/v1/role-bindings', 'PATCH /api/v1/namespaces/:namespace', 'POST /api/v1/operator/organizations']) {
      expect(seen).toContain(known);
    }
    expect([...seen].some((route) => route.startsWith('GET /health'))).toBe(false);

    const ids: Record<string, string> = {
      members: b.member.id, 'service-accounts': b.sa.id, 'role-bindings': b.saBinding.id, 'api-keys': b.api_key.id, organizations: b.organization.id,
    };
    const paramValue = (name: string, path: string): string => {
      switch (name) {
        case 'project': return 'bravo-shop';
        case 'environment': return 'bravo-prod';
        case 'namespace': return 'bravo-n2';
        case 'id': {
          const segment = path.split('/:id')[0].split('/').pop() ?? '';
          return ids[segment] ?? b.organization.id;
        }
        default: return name === '*' || path.includes(`*${name}`) ? 'workflows/probe' : `bravo-${name}`;
      }
    };
    const bodyValues = {
      principal_id: b.owner.id, project: 'bravo-shop', environment: 'bravo-prod', namespace: 'bravo-n2',
      name: 'iso-probe', email: 'probe@alpha.test', owner_email: 'probe@alpha.test',
    };
    const bMarkers = ['bravo', b.organization.id, b.owner.id, b.member.id, b.nsAdmin.id, b.sa.id, b.api_key.id, b.saKey.id, b.n1.id, b.n2.id];
    const siblingMarkers = ['bravo-n2', b.n2.id, b.saBinding.id];
    const credentials: Credential[] = [
      { name: 'no key', token: undefined, kind: 'unauthenticated' },
      { name: 'revoked key of B\'s owner', token: b.revokedToken, kind: 'unauthenticated' },
      { name: 'expired key of B\'s owner', token: b.expiringToken, kind: 'unauthenticated' },
      { name: 'operator token', token: app.operatorToken, kind: 'operator' },
      { name: 'key of A\'s owner', token: a.api_key.token, kind: 'foreign' },
      { name: 'B\'s admin of namespace bravo-n1', token: b.nsAdminToken, kind: 'sibling' },
    ];

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
        return ok && bMarkers.some((m) => text.includes(m)) ? 'answered with B\'s data' : null;
      }
      if (credential.kind === 'sibling') {
        if (route.method !== 'GET' || pathParams(route.path).includes('namespace')) return refused ? null : 'not refused for the sibling namespace';
        return ok && siblingMarkers.some((m) => text.includes(m)) ? 'answered with the sibling namespace' : null;
      }
      return null;
    };

    const expired = b.expiresAt - Date.now() + 100;
    if (expired > 0) await sleep(expired);
    const before = await organizationEvents(b.organization.id);
    const failures: string[] = [];
    let calls = 0;
    for (const route of routes) {
      const path = fillPath(route.path, paramValue);
      const body = sampleBody(doc, route.method, openApiPath(route.path), bodyValues);
      const targetsB = pathParams(route.path).length > 0 || bMarkers.some((m) => JSON.stringify(body).includes(m));
      for (const credential of credentials) {
        if (credential.kind === 'operator' && route.audience === 'operator') continue;
        const outcome = await call(route.method, path, credential.token, body);
        calls += 1;
        const problem = violation(route, credential, targetsB, outcome);
        if (problem) failures.push(`${route.method} ${path} with ${credential.name}: ${outcome.status} (${problem}) ${outcome.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(routes.length * 5 - 10);
    expect(await organizationEvents(b.organization.id)).toBe(before);
    // B still works for its own owner, and its sibling namespace is intact.
    expect((await b.api.get('/api/v1/namespaces/bravo-n2')).body).toMatchObject({ name: 'bravo-n2', state: 'active' });
  }, 300_000); // hundreds of real HTTP calls, one per route × refused credential; grows with the routes
});
