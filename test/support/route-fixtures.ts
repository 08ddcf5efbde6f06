import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { TestClock } from './clock';
import { OpenApiDocument, sampleBody } from './openapi-bodies';
import { RegisteredRoute } from './routes';
import { registerPlatformTarget, registerTarget } from './runtime-fixtures';
import { ApiResponse, Client, client, createOrganization, TestApp } from './test-app';

/**
 * Positive-control fixtures: for every route the application serves, how to call it so that its
 * rightful caller (the organization's owner, the operator, or the runtime target's ingest token)
 * gets a 2xx — with the path naming a real resource of the organization, a query, and a body built
 * from the route's OpenAPI request schema with real values. The isolation matrix uses them to prove
 * that a refusal is the isolation's doing (the same request succeeds for the owner), the fuzz to
 * start from a request that is valid before it mutates it field by field.
 *
 * A route added later has no fixture until one is written here: the isolation and fuzz tests then
 * fail and name it (`fixtureFor`). Add an entry keyed `METHOD /nest/path` (or `ALL /nest/path` for
 * the methods of an `@All()` route without an entry of their own).
 */

/** An organization with one of everything, built over HTTP like a customer would. */
export interface World {
  readonly app: TestApp;
  readonly clock: TestClock;
  readonly prefix: string;
  readonly organizationId: string;
  readonly ownerId: string;
  readonly owner: Client;
  readonly ownerToken: string;
  readonly operator: Client;
  readonly ingest: Client;
  readonly ingestToken: string;
  readonly project: string;
  readonly environment: string;
  /** Placed on `targetId`, with a runtime credential, usage and a started workflow. */
  readonly namespace: string;
  readonly namespaceId: string;
  /** Also placed: the namespace a namespace-scoped admin of the tests administers (the sibling of `namespace`). */
  readonly otherNamespace: string;
  readonly runtimeNamespace: string;
  readonly targetId: string;
  readonly secondTargetId: string;
  readonly platformTargetId: string;
  readonly memberId: string;
  readonly serviceAccountId: string;
  readonly bindingId: string;
  readonly keyId: string;
  readonly runtimeCredentialId: string;
  readonly workflowId: string;
  readonly sims: readonly RuntimeSimulator[];
  /** Every id and name this organization owns (grows as fixtures create more). */
  readonly markers: Set<string>;
  /** A fresh DNS label, never used before in this process; it names nothing of the organization (bodies of creates use it). */
  unique(kind: string): string;
  /** Remembers the ids in an answer (of the organization's owner) as the organization's; platform targets' are not. */
  remember(response: ApiResponse): ApiResponse;
}

/** How to call a route so that its rightful caller gets a 2xx. */
export interface Prepared {
  /** Path parameters by name; `*` for a wildcard. */
  readonly params: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  /** Real values for fields of the OpenAPI request schema (by name, at any depth); the rest is sampled from the schema. */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** A literal body, for operations whose OpenAPI document has no request schema (the forwarded runtime path). */
  readonly body?: unknown;
  readonly caller?: 'owner' | 'operator' | 'ingest';
  /** `forwarded`: the runtime target answered (any status), which proves Cloud let the request through. */
  readonly expect?: 'success' | 'forwarded';
}

export type RouteFixture = (w: World) => Promise<Prepared>;

let counter = 0;
const ID_PATTERN = /\b[a-z]{2,4}_[0-9a-z]{16,}\b/g;

async function ok(response: ApiResponse, what: string): Promise<ApiResponse> {
  if (response.status < 200 || response.status >= 300) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
  return response;
}

/**
 * Builds the world of organization `prefix` (names of its resources start with it) on `sims[0]` and
 * `sims[1]` (two runtime targets of its own), with a platform target on `sims[0]`, a price book and ingested usage.
 */
export async function buildWorld(app: TestApp, clock: TestClock, prefix: string, sims: readonly RuntimeSimulator[]): Promise<World> {
  const org = await createOrganization(app, prefix, `owner@${prefix}.test`);
  const owner = org.api;
  const operator = client(app.baseUrl, app.operatorToken);
  const markers = new Set<string>([prefix, org.organization.id, org.owner.id, org.api_key.id]);
  const shared = new Set<string>();
  const remember = (response: ApiResponse) => {
    for (const id of JSON.stringify(response.body ?? '').match(ID_PATTERN) ?? []) if (!shared.has(id)) markers.add(id);
    return response;
  };
  const unique = (kind: string) => `${kind}-${++counter}`;
  const project = `${prefix}-shop`;
  const environment = `${prefix}-prod`;
  const target = await registerTarget(owner, sims[0], { name: `${prefix} primary` });
  const second = await registerTarget(owner, sims[1], { name: `${prefix} secondary` });
  // Platform targets are shared by every organization: its name and id are not the organization's.
  const platform = await registerPlatformTarget(app, sims[0], { name: unique('platform') });
  shared.add(platform.id);
  for (const id of [target.id, second.id]) markers.add(id);
  await ok(await owner.post('/api/v1/projects', { name: project }), 'project');
  await ok(await owner.post(`/api/v1/projects/${project}/environments`, { name: environment }), 'environment');
  const namespaces: { name: string; id: string; runtime_namespace: string }[] = [];
  for (const name of [`${prefix}-n2`, `${prefix}-n1`]) {
    const created = remember(await ok(await owner.post(`/api/v1/projects/${project}/environments/${environment}/namespaces`,
      { name, runtime_target_id: target.id }), `namespace ${name}`));
    namespaces.push(created.body);
  }
  const [namespace, other] = namespaces;
  const member = remember(await ok(await owner.post('/api/v1/users', { email: `member@${prefix}.test`, organization_role: 'member' }), 'member'));
  const sa = remember(await ok(await owner.post('/api/v1/service-accounts', { name: `${prefix}-bot` }), 'service account'));
  const binding = remember(await ok(await owner.post('/api/v1/role-bindings',
    { principal_id: sa.body.id, role: 'viewer', scope: { namespace: namespace.name } }), 'binding'));
  const key = remember(await ok(await owner.post('/api/v1/api-keys', { principal_id: org.owner.id, name: 'spare' }), 'key'));
  const credential = remember(await ok(await owner.post(`/api/v1/namespaces/${namespace.name}/runtime-credentials`,
    { name: 'workers', role: 'worker' }), 'runtime credential'));
  const workflowId = `${prefix}-wf-1`;
  remember(await ok(await owner.post(`/api/v1/namespaces/${namespace.name}/runtime/workflows`,
    { workflow_type: 'order', workflow_id: workflowId }), 'workflow'));
  await ok(await operator.put(`/api/v1/operator/organizations/${org.organization.id}/price-book`,
    { billable_action: { cents: '3', per_units: 1 } }), 'price book');
  // Usage for a window after the placement: the clock moves on a few minutes first.
  clock.advance(5 * 60_000);
  const ingest = client(app.baseUrl, target.ingest_token);
  const usage = await ok(await ingest.post('/api/v1/usage-records', { records: [usageRecordFor(clock, namespace.runtime_namespace, `${prefix}-usage-1`)] }), 'usage');
  if (usage.body.accepted !== 1) throw new Error(`usage not accepted: ${JSON.stringify(usage.body)}`);
  return {
    app, clock, prefix, organizationId: org.organization.id, ownerId: org.owner.id, owner, ownerToken: org.api_key.token, operator, ingest, ingestToken: target.ingest_token,
    project, environment, namespace: namespace.name, namespaceId: namespace.id, otherNamespace: other.name, runtimeNamespace: namespace.runtime_namespace,
    targetId: target.id, secondTargetId: second.id, platformTargetId: platform.id, memberId: member.body.id, serviceAccountId: sa.body.id,
    bindingId: binding.body.id, keyId: key.body.id, runtimeCredentialId: credential.body.id, workflowId, sims, markers, unique, remember,
  };
}

/** A valid usage record for the runtime namespace, in the minute before the clock's now. */
export const usageRecordFor = (clock: TestClock, runtimeNamespace: string, recordId: string) => ({
  record_id: recordId, namespace: runtimeNamespace, action_type: 'workflow_start', quantity: 2,
  window_start: clock.in(-2 * 60_000), window_end: clock.in(-60_000),
});

/** Fresh resources for routes that use theirs up (delete, rotate, disable, migrate, …). */
const fresh = {
  /** A target that may be a replication secondary of the world's namespaces: same provider, another region. */
  async secondary(w: World): Promise<string> {
    return w.remember(await ok(await w.owner.post('/api/v1/runtime-targets', {
      name: w.unique('secondary'), base_url: w.sims[1].baseUrl, region: 'eu-central-1', provider: 'aws', credential: w.sims[1].tokens.admin,
    }), 'secondary target')).body.id as string;
  },
  /** A placed namespace enrolled in replication with a secondary of the same provider in another region. */
  async replicated(w: World): Promise<string> {
    const name = await fresh.namespace(w, true);
    const secondary = await fresh.secondary(w);
    w.remember(await ok(await w.owner.put(`/api/v1/namespaces/${name}/replication`, { secondary_runtime_target_id: secondary }), 'enrollment'));
    return name;
  },
  async namespace(w: World, placed: boolean): Promise<string> {
    const name = `${w.prefix}-${w.unique('ns')}`;
    w.markers.add(name);
    w.remember(await ok(await w.owner.post(`/api/v1/projects/${w.project}/environments/${w.environment}/namespaces`,
      placed ? { name, runtime_target_id: w.targetId } : { name }), `namespace ${name}`));
    return name;
  },
  /** An organization of its own, for operator changes that would otherwise hold back the world's (a billing restriction pauses provisioning). */
  async organization(w: World): Promise<string> {
    return w.remember(await ok(await w.operator.post('/api/v1/operator/organizations',
      { name: w.unique(`${w.prefix}-org`), owner_email: `${w.unique('owner')}@${w.prefix}.test` }), 'organization')).body.organization.id as string;
  },
  async user(w: World): Promise<string> {
    return w.remember(await ok(await w.owner.post('/api/v1/users', { email: `${w.unique('u')}@${w.prefix}.test`, organization_role: 'member' }), 'user')).body.id;
  },
  async key(w: World, disabled = false): Promise<string> {
    const id = w.remember(await ok(await w.owner.post('/api/v1/api-keys', { principal_id: w.ownerId, name: w.unique('key') }), 'key')).body.id as string;
    if (disabled) await ok(await w.owner.post(`/api/v1/api-keys/${id}/disable`, {}), 'disable key');
    return id;
  },
  async serviceAccount(w: World): Promise<string> {
    return w.remember(await ok(await w.owner.post('/api/v1/service-accounts', { name: w.unique('sa') }), 'service account')).body.id;
  },
  async binding(w: World): Promise<string> {
    return w.remember(await ok(await w.owner.post('/api/v1/role-bindings',
      { principal_id: await fresh.user(w), role: 'viewer', scope: { namespace: w.namespace } }), 'binding')).body.id;
  },
  async runtimeCredential(w: World): Promise<string> {
    return w.remember(await ok(await w.owner.post(`/api/v1/namespaces/${w.namespace}/runtime-credentials`,
      { name: w.unique('cred'), role: 'client' }), 'runtime credential')).body.id;
  },
};

const MAY = { period_start: '2026-05-01', period_end: '2026-05-31' };
const none: RouteFixture = async () => ({ params: {} });
const inNamespace: RouteFixture = async (w) => ({ params: { namespace: w.namespace } });
const registration = (w: World) => ({
  name: w.unique('target'), base_url: w.sims[1].baseUrl, region: 'eu-west-1', provider: 'aws', credential: w.sims[1].tokens.admin,
});

export const ROUTE_FIXTURES: Readonly<Record<string, RouteFixture>> = {
  // Public routes (the isolation matrix skips them; the fuzz tries those the OpenAPI document lists).
  'GET /': none,
  'GET /health/live': none,
  'GET /health/ready': none,
  'GET /metrics': none,

  'GET /api/v1/me': none,
  'GET /api/v1/audit-log': none,
  'GET /api/v1/audit-log/verify': none,
  'GET /api/v1/events': none,
  'PUT /api/v1/namespaces/:namespace/replication': async (w) => {
    const name = await fresh.namespace(w, true);
    // The replication routes read their bodies themselves (no request schema to sample from): literal bodies.
    return { params: { namespace: name }, body: { secondary_runtime_target_id: await fresh.secondary(w) } };
  },
  'GET /api/v1/namespaces/:namespace/replication': async (w) => ({ params: { namespace: await fresh.replicated(w) } }),
  'PATCH /api/v1/namespaces/:namespace/replication': async (w) => ({ params: { namespace: await fresh.replicated(w) }, body: { automatic_failover: false } }),
  'DELETE /api/v1/namespaces/:namespace/replication': async (w) => ({ params: { namespace: await fresh.replicated(w) } }),
  'POST /api/v1/namespaces/:namespace/replication/failover': async (w) => ({ params: { namespace: await fresh.replicated(w) }, query: { dry_run: 'true' } }),
  'POST /api/v1/namespaces/:namespace/replication/failback': async (w) => ({ params: { namespace: await fresh.replicated(w) }, query: { dry_run: 'true' } }),
  'GET /api/v1/namespaces/:namespace/replication/events': async (w) => ({ params: { namespace: await fresh.replicated(w) } }),
  'POST /api/v1/audit-log/checkpoints': none,
  'GET /api/v1/audit-log/checkpoints': none,
  'GET /api/v1/audit-log/public-keys': none,
  'GET /api/v1/audit-log/export': none,
  'GET /api/v1/access-review': async (w) => ({ params: {}, query: { namespace: w.namespace } }),
  'GET /api/v1/billing/usage': async () => ({ params: {}, query: MAY }),
  'GET /api/v1/billing/usage/export': async () => ({ params: {}, query: MAY }),
  'GET /api/v1/billing/usage/report': async () => ({ params: {}, query: MAY }),

  'GET /api/v1/api-keys': none,
  'POST /api/v1/api-keys': async (w) => ({ params: {}, overrides: { principal_id: w.ownerId, name: w.unique('key') } }),
  'GET /api/v1/api-keys/:id': async (w) => ({ params: { id: w.keyId } }),
  'DELETE /api/v1/api-keys/:id': async (w) => ({ params: { id: await fresh.key(w) } }),
  'POST /api/v1/api-keys/:id/disable': async (w) => ({ params: { id: await fresh.key(w) } }),
  'POST /api/v1/api-keys/:id/enable': async (w) => ({ params: { id: await fresh.key(w, true) } }),
  'POST /api/v1/api-keys/:id/rotate': async (w) => ({ params: { id: await fresh.key(w) } }),

  'POST /api/v1/users': async (w) => ({ params: {}, overrides: { email: `${w.unique('user')}@example.test`, organization_role: 'member' } }),
  'GET /api/v1/members': none,
  'GET /api/v1/members/:id': async (w) => ({ params: { id: w.memberId } }),
  'PATCH /api/v1/members/:id': async (w) => ({ params: { id: await fresh.user(w) }, overrides: { organization_role: 'finance' } }),
  'DELETE /api/v1/members/:id': async (w) => ({ params: { id: await fresh.user(w) } }),

  'GET /api/v1/service-accounts': none,
  'POST /api/v1/service-accounts': async (w) => ({ params: {}, overrides: { name: w.unique('sa') } }),
  'GET /api/v1/service-accounts/:id': async (w) => ({ params: { id: w.serviceAccountId } }),
  'DELETE /api/v1/service-accounts/:id': async (w) => ({ params: { id: await fresh.serviceAccount(w) } }),

  'GET /api/v1/role-bindings': none,
  'POST /api/v1/role-bindings': async (w) => ({ params: {}, overrides: { principal_id: await fresh.user(w), role: 'viewer', scope: { namespace: w.namespace } } }),
  'GET /api/v1/role-bindings/:id': async (w) => ({ params: { id: w.bindingId } }),
  'DELETE /api/v1/role-bindings/:id': async (w) => ({ params: { id: await fresh.binding(w) } }),

  'GET /api/v1/projects': none,
  'POST /api/v1/projects': async (w) => ({ params: {}, overrides: { name: w.unique('p') } }),
  'GET /api/v1/projects/:project': async (w) => ({ params: { project: w.project } }),
  'PATCH /api/v1/projects/:project': async (w) => ({ params: { project: w.project }, overrides: { description: 'patched' } }),
  'GET /api/v1/projects/:project/environments': async (w) => ({ params: { project: w.project } }),
  'POST /api/v1/projects/:project/environments': async (w) => ({ params: { project: w.project }, overrides: { name: w.unique('e') } }),
  'GET /api/v1/projects/:project/environments/:environment': async (w) => ({ params: { project: w.project, environment: w.environment } }),
  'PATCH /api/v1/projects/:project/environments/:environment': async (w) => ({
    params: { project: w.project, environment: w.environment }, overrides: { description: 'patched' },
  }),
  'GET /api/v1/projects/:project/environments/:environment/namespaces': async (w) => ({ params: { project: w.project, environment: w.environment } }),
  'POST /api/v1/projects/:project/environments/:environment/namespaces': async (w) => ({
    params: { project: w.project, environment: w.environment }, overrides: { name: w.unique('ns'), runtime_target_id: w.targetId },
  }),

  'GET /api/v1/namespaces': none,
  'GET /api/v1/namespaces/:namespace': inNamespace,
  'PATCH /api/v1/namespaces/:namespace': async (w) => ({ params: { namespace: w.namespace }, overrides: { description: 'patched' } }),
  'DELETE /api/v1/namespaces/:namespace': async (w) => ({ params: { namespace: await fresh.namespace(w, false) } }),
  'GET /api/v1/namespaces/:namespace/connection': inNamespace,
  'GET /api/v1/namespaces/:namespace/placements': inNamespace,
  'GET /api/v1/namespaces/:namespace/runtime-commands': inNamespace,
  'PUT /api/v1/namespaces/:namespace/runtime-target': async (w) => ({
    params: { namespace: await fresh.namespace(w, false) }, overrides: { runtime_target_id: w.targetId },
  }),
  'POST /api/v1/namespaces/:namespace/migrations': async (w) => ({
    params: { namespace: await fresh.namespace(w, true) }, overrides: { to_runtime_target_id: w.secondTargetId, reason: 'rebalance' },
  }),
  'GET /api/v1/namespaces/:namespace/runtime-credentials': inNamespace,
  'POST /api/v1/namespaces/:namespace/runtime-credentials': async (w) => ({
    params: { namespace: w.namespace }, overrides: { name: w.unique('cred'), role: 'worker' },
  }),
  'POST /api/v1/namespaces/:namespace/runtime-credentials/:id/rotate': async (w) => ({
    params: { namespace: w.namespace, id: await fresh.runtimeCredential(w) },
  }),
  'DELETE /api/v1/namespaces/:namespace/runtime-credentials/:id': async (w) => ({
    params: { namespace: w.namespace, id: await fresh.runtimeCredential(w) },
  }),
  // The forwarded runtime API: list and start succeed on the target; every other method the route accepts
  // must at least reach the target (its answer, with X-DWC-Runtime-Target), whatever the target says.
  'GET /api/v1/namespaces/:namespace/runtime/*': async (w) => ({ params: { namespace: w.namespace, '*': 'workflows' } }),
  'POST /api/v1/namespaces/:namespace/runtime/*': async (w) => ({
    params: { namespace: w.namespace, '*': 'workflows' }, body: { workflow_type: 'order', workflow_id: w.unique('wf') },
  }),
  'ALL /api/v1/namespaces/:namespace/runtime/*': async (w) => ({
    params: { namespace: w.namespace, '*': `workflows/${w.workflowId}` }, body: { reason: 'probe' }, expect: 'forwarded',
  }),

  'GET /api/v1/runtime-targets': none,
  'POST /api/v1/runtime-targets': async (w) => ({ params: {}, overrides: registration(w) }),
  'GET /api/v1/runtime-targets/:id': async (w) => ({ params: { id: w.targetId } }),

  'POST /api/v1/usage-records': async (w) => ({
    params: {}, caller: 'ingest', overrides: { records: [usageRecordFor(w.clock, w.runtimeNamespace, w.unique('rec'))] },
  }),

  'GET /api/v1/operator/organizations': async () => ({ params: {}, caller: 'operator' }),
  'POST /api/v1/operator/organizations': async (w) => ({
    params: {}, caller: 'operator', overrides: { name: w.unique('org'), owner_email: `${w.unique('owner')}@example.test` },
  }),
  'GET /api/v1/operator/organizations/:id': async (w) => ({ params: { id: w.organizationId }, caller: 'operator' }),
  // Its runs may restrict the organization (`restricted: true` is valid input): never the world's own.
  'PUT /api/v1/operator/organizations/:id/billing-restriction': async (w) => ({
    params: { id: await fresh.organization(w) }, caller: 'operator', overrides: { restricted: false, reason: 'paid' },
  }),
  'GET /api/v1/operator/organizations/:id/price-book': async (w) => ({ params: { id: w.organizationId }, caller: 'operator' }),
  'PUT /api/v1/operator/organizations/:id/price-book': async (w) => ({
    params: { id: w.organizationId }, caller: 'operator', overrides: { billable_action: { cents: '3', per_units: 1 } },
  }),
  'GET /api/v1/operator/runtime-targets': async () => ({ params: {}, caller: 'operator' }),
  'POST /api/v1/operator/runtime-targets': async (w) => ({ params: {}, caller: 'operator', overrides: registration(w) }),
  'GET /api/v1/operator/runtime-targets/:id': async (w) => ({ params: { id: w.platformTargetId }, caller: 'operator' }),
};

/** The route's fixture, or a loud failure naming the route and where to add one. */
export function fixtureFor(route: Pick<RegisteredRoute, 'method' | 'path' | 'all'>): RouteFixture {
  const fixture = ROUTE_FIXTURES[`${route.method} ${route.path}`] ?? (route.all ? ROUTE_FIXTURES[`ALL ${route.path}`] : undefined);
  if (!fixture) {
    throw new Error(`no positive-control fixture for ${route.method} ${route.path}: add one to ROUTE_FIXTURES in test/support/route-fixtures.ts `
      + '(a real resource of the world for each path parameter, real values for the body, and who must get a 2xx)');
  }
  return fixture;
}

/** The JSON body of a prepared call: the literal one, else one sampled from the OpenAPI request schema with the real values. */
export function bodyOf(doc: OpenApiDocument, method: string, openApiPath: string, prepared: Prepared): unknown {
  if (prepared.body !== undefined) return prepared.body;
  return sampleBody(doc, method, openApiPath, prepared.overrides ?? {});
}

/** The token of the prepared call's rightful caller. */
export function callerToken(w: World, prepared: Prepared): string {
  switch (prepared.caller ?? 'owner') {
    case 'operator': return w.app.operatorToken;
    case 'ingest': return w.ingestToken;
    default: return w.ownerToken;
  }
}
