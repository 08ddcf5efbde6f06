import fc from 'fast-check';
import { Decider, fold } from '../../domain/shared/decider';
import { Actor, DomainCommand, DomainEvent } from '../../domain/shared/event';
import { DomainError, DomainErrorCode } from '../../domain/shared/errors';
import { testContext } from '../../domain/shared/given-when-then';
import {
  ApiKeyState, apiKeyDecider, bindingsOf, membershipDecider, MembershipEvent, MembershipState, principalOf, RoleBindingsState,
  roleBindingsDecider, RoleScopeInput, validCredentials,
} from '../../domain/identity';
import { hashSecret } from './api-key-token';
import { AccessSnapshot, can, Capability, CAPABILITIES, effectiveCapabilities, PermissionPrincipal, permissionDiff, Resource } from './permissions';

/**
 * Random sequences of membership, role-binding and API-key commands go through the real deciders.
 * Independent, deliberately naive models predict which commands are accepted and what a key
 * accepts; a reference permission model (ancestors enumerated explicitly, role tables written out
 * again from the rules) must agree with `can` for every principal, capability and resource.
 */

// ---------------------------------------------------------------------------------------------
// The tenancy tree the resources come from (namespace names unique in the organization).

const PROJECTS = ['p1', 'p2'] as const;
const ENVIRONMENTS = ['e1', 'e2'] as const;
const NAMESPACE_PATHS = PROJECTS.flatMap((project) =>
  ENVIRONMENTS.flatMap((environment) => [1, 2].map((i) => ({ project, environment, namespace: `${project}${environment}n${i}` }))),
);
const TREE: readonly Resource[] = [
  {},
  ...PROJECTS.map((project) => ({ project })),
  ...PROJECTS.flatMap((project) => ENVIRONMENTS.map((environment) => ({ project, environment }))),
  ...NAMESPACE_PATHS,
];
/** Questions a careless caller could ask: malformed, partial, inconsistent or unknown paths. */
const ODD: readonly Resource[] = [
  { namespace: 'p1e1n1' },
  { environment: 'e1' },
  { project: 'p1', namespace: 'p1e1n1' },
  { environment: 'e1', namespace: 'p1e1n1' },
  { project: '' },
  { project: 'p2', environment: 'e1', namespace: 'p1e1n1' },
  { project: 'p9' },
  { project: 'p1', environment: 'e9' },
  { project: 'p1', environment: 'e1', namespace: 'zz' },
  { project: 'p1', environment: null, namespace: null },
];
const RESOURCES = [...TREE, ...ODD];

// ---------------------------------------------------------------------------------------------
// Reference permission model, written from the rules without looking at `can`.

type Path = readonly string[]; // [] organization, [p], [p, e], [p, e, n]

const REF_LEVEL_DEPTH: Record<string, number> = {
  'organization.read': 0, 'members.manage': 0, 'service_accounts.manage': 0, 'role_bindings.manage': 0, 'api_keys.manage': 0,
  'projects.create': 0, 'runtime_targets.manage': 0, 'runtime_targets.read': 0, 'billing.read': 0, 'audit_log.read': 0,
  'project.read': 1, 'environments.create': 1,
  'environment.read': 2, 'namespaces.create': 2,
  'namespace.read': 3, 'namespace.manage': 3, 'workflows.forward': 3, 'replication.manage': 3,
};
const REF_EVERYTHING = Object.keys(REF_LEVEL_DEPTH);
const REF_ORGANIZATION_ROLE: Record<string, readonly string[]> = {
  owner: REF_EVERYTHING,
  admin: REF_EVERYTHING,
  finance: ['organization.read', 'billing.read'],
  auditor: ['organization.read', 'audit_log.read'],
  member: ['organization.read'],
};
const REF_VIEWER = ['project.read', 'environment.read', 'namespace.read'];
const REF_DEVELOPER = [...REF_VIEWER, 'workflows.forward', 'environments.create', 'namespaces.create'];
const REF_BINDING_ROLE: Record<string, readonly string[]> = {
  viewer: REF_VIEWER,
  developer: REF_DEVELOPER,
  admin: [...REF_DEVELOPER, 'namespace.manage', 'replication.manage'],
};

const present = (v: string | null | undefined): v is string => typeof v === 'string' && v !== '';
const absent = (v: string | null | undefined) => v === undefined || v === null;

const pathOf = (r: Resource): Path | null => {
  const { project: p, environment: e, namespace: n } = r;
  if (present(p) && present(e) && present(n)) return [p, e, n];
  if (present(p) && present(e) && absent(n)) return [p, e];
  if (present(p) && absent(e) && absent(n)) return [p];
  if (absent(p) && absent(e) && absent(n)) return [];
  return null;
};
const ancestorsOrSelf = (path: Path): Path[] => Array.from({ length: path.length + 1 }, (_, i) => path.slice(0, i));
const samePath = (a: Path, b: Path) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The scope, as a path pattern: its depth and the names it sets at each depth. */
const scopeDenotes = (scope: RoleScopeInput, node: Path): boolean => {
  const names = [scope.project, scope.environment, scope.namespace];
  const scopeDepth = present(scope.namespace) ? 3 : present(scope.environment) ? 2 : 1;
  return node.length === scopeDepth && names.every((name, i) => !present(name) || node[i] === name);
};
/** Ancestors the scope spells out: for {p, e, n}: [p] and [p, e]; for {p, n}: [p]; for {n}: none. */
const namedAncestors = (scope: RoleScopeInput): Path[] => {
  const out: Path[] = [];
  const deep = present(scope.namespace) ? 3 : present(scope.environment) ? 2 : 1;
  if (present(scope.project) && deep > 1) out.push([scope.project]);
  if (present(scope.project) && present(scope.environment) && deep > 2) out.push([scope.project, scope.environment]);
  return out;
};

interface RefBinding { readonly principal_id: string; readonly role: string; readonly scope: RoleScopeInput }

const referenceCan = (principal: PermissionPrincipal, bindings: readonly RefBinding[], capability: string, resource: Resource): boolean => {
  const path = pathOf(resource);
  if (path === null || REF_LEVEL_DEPTH[capability] !== path.length) return false;
  if (principal.organization_role !== null && REF_ORGANIZATION_ROLE[principal.organization_role].includes(capability)) return true;
  for (const binding of bindings) {
    if (binding.principal_id !== principal.id) continue;
    if (REF_BINDING_ROLE[binding.role].includes(capability) && ancestorsOrSelf(path).some((node) => scopeDenotes(binding.scope, node))) return true;
    if ((capability === 'project.read' || capability === 'environment.read') && namedAncestors(binding.scope).some((a) => samePath(a, path))) return true;
  }
  return false;
};

// ---------------------------------------------------------------------------------------------
// Commands.

const USERS = ['usr_0', 'usr_1', 'usr_2', 'usr_3', 'usr_4'];
const SERVICE_ACCOUNTS = ['sa_0', 'sa_1', 'sa_2'];
const PRINCIPALS = [...USERS, ...SERVICE_ACCOUNTS, 'usr_ghost'];
const EMAILS = ['ann@example.com', 'ANN@example.com', 'bob@example.com', 'cy@example.com', 'di@example.com'];
const SA_NAMES = ['ci', 'deploy', 'ci-bot', 'Bad_Name'];
const ORG_ROLES = ['owner', 'admin', 'finance', 'auditor', 'member', 'root'];
const BINDING_ROLES = ['admin', 'developer', 'viewer', 'admin', 'developer', 'viewer', 'owner'];
const BINDING_IDS = ['rb_0', 'rb_1', 'rb_2', 'rb_3', 'rb_4', 'rb_5'];
const KEYS = ['key_0', 'key_1', 'key_2'];
const START_MS = Date.parse('2026-05-01T00:00:00.000Z');

type Op =
  | { readonly kind: 'addUser'; readonly user: string; readonly email: string; readonly role: string; readonly actor: string }
  | { readonly kind: 'changeRole'; readonly user: string; readonly role: string; readonly actor: string }
  | { readonly kind: 'removeMember'; readonly user: string; readonly actor: string }
  | { readonly kind: 'addServiceAccount'; readonly sa: string; readonly name: string }
  | { readonly kind: 'removeServiceAccount'; readonly sa: string }
  | { readonly kind: 'bind'; readonly binding: string; readonly principal: string; readonly role: string; readonly scope: RoleScopeInput }
  | { readonly kind: 'unbind'; readonly binding: string }
  | { readonly kind: 'issueKey'; readonly key: string; readonly principal: string; readonly expiresInSeconds: number | null }
  | { readonly kind: 'revokeKey' | 'disableKey' | 'enableKey'; readonly key: string }
  | { readonly kind: 'rotateKey'; readonly key: string; readonly grace: number }
  | { readonly kind: 'tick'; readonly seconds: number };

const actorArb = fc.constantFrom('operator', ...USERS, 'sa_0');
const scopeArb: fc.Arbitrary<RoleScopeInput> = fc.oneof(
  fc.constantFrom(...PROJECTS).map((project) => ({ project })),
  fc.tuple(fc.constantFrom(...PROJECTS), fc.constantFrom(...ENVIRONMENTS)).map(([project, environment]) => ({ project, environment })),
  fc.constantFrom(...NAMESPACE_PATHS),
  fc.constantFrom(...NAMESPACE_PATHS).map(({ namespace }) => ({ namespace })),
  fc.tuple(fc.constantFrom(...PROJECTS), fc.constantFrom(...NAMESPACE_PATHS)).map(([project, { namespace }]) => ({ project, namespace })),
  fc.constantFrom<RoleScopeInput>({}, { environment: 'e1' }, { environment: 'e1', namespace: 'p1e1n1' }, { project: 'p1', environment: null }),
);
/** Populates the organization so that later commands mostly meet existing principals. */
const setupArb: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('addUser' as const), user: fc.constantFrom(...USERS), email: fc.constantFrom(...EMAILS), role: fc.constantFrom('owner', 'admin', 'finance', 'member', 'member'), actor: fc.constant('operator') }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('addServiceAccount' as const), sa: fc.constantFrom(...SERVICE_ACCOUNTS), name: fc.constantFrom('ci', 'deploy', 'ci-bot') }) },
  ),
  { minLength: 2, maxLength: 8 },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('addUser' as const), user: fc.constantFrom(...USERS), email: fc.constantFrom(...EMAILS), role: fc.constantFrom(...ORG_ROLES), actor: actorArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('changeRole' as const), user: fc.constantFrom(...USERS, 'sa_0'), role: fc.constantFrom(...ORG_ROLES), actor: actorArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('removeMember' as const), user: fc.constantFrom(...USERS, 'sa_0'), actor: actorArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addServiceAccount' as const), sa: fc.constantFrom(...SERVICE_ACCOUNTS, 'usr_1'), name: fc.constantFrom(...SA_NAMES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeServiceAccount' as const), sa: fc.constantFrom(...SERVICE_ACCOUNTS) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('bind' as const), binding: fc.constantFrom(...BINDING_IDS), principal: fc.constantFrom(...PRINCIPALS), role: fc.constantFrom(...BINDING_ROLES), scope: scopeArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unbind' as const), binding: fc.constantFrom(...BINDING_IDS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('issueKey' as const), key: fc.constantFrom(...KEYS), principal: fc.constantFrom(...PRINCIPALS), expiresInSeconds: fc.option(fc.integer({ min: -60, max: 7200 }), { nil: null }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('revokeKey' as const, 'disableKey' as const, 'enableKey' as const), key: fc.constantFrom(...KEYS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rotateKey' as const), key: fc.constantFrom(...KEYS), grace: fc.integer({ min: 0, max: 3600 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), seconds: fc.integer({ min: 1, max: 3000 }) }) },
);

// ---------------------------------------------------------------------------------------------
// Naive models of what the deciders should accept.

interface MemberModel { readonly users: Map<string, { role: string; email: string }>; readonly sas: Map<string, string>; readonly used: Set<string> }
interface KeyModel { status: 'active' | 'disabled' | 'revoked'; expiresMs: number | null; creds: { hash: string; untilMs: number }[] }
interface BindingModel { readonly current: Map<string, RefBinding>; readonly used: Set<string> }

interface World {
  membership: MembershipState;
  roleBindings: RoleBindingsState;
  keys: Map<string, ApiKeyState>;
  model: { members: MemberModel; bindings: BindingModel; keys: Map<string, KeyModel> };
  nowMs: number;
  serial: number;
}

const newWorld = (): World => ({
  membership: membershipDecider.initialState(),
  roleBindings: roleBindingsDecider.initialState(),
  keys: new Map(),
  model: { members: { users: new Map(), sas: new Map(), used: new Set() }, bindings: { current: new Map(), used: new Set() }, keys: new Map() },
  nowMs: START_MS,
  serial: 0,
});

const toActor = (id: string): Actor => (id === 'operator' ? { id: 'op', kind: 'operator' } : { id, kind: id.startsWith('sa_') ? 'service_account' : 'user' });
const actorIsOwner = (m: MemberModel, actor: string) => actor === 'operator' || m.users.get(actor)?.role === 'owner';
const owners = (m: MemberModel) => [...m.users.values()].filter((u) => u.role === 'owner').length;
const normalizeScope = (s: RoleScopeInput) => JSON.stringify([s.project ?? null, s.environment ?? null, s.namespace ?? null]);
const scopeValid = (s: RoleScopeInput) => !(present(s.environment) && !present(s.project)) && (present(s.project) || present(s.namespace));

/** What the membership and binding rules predict: null (accepted) or the refusal's code. */
const predict = (world: World, op: Op): DomainErrorCode | null => {
  const m = world.model.members;
  const started = m.users.size > 0;
  switch (op.kind) {
    case 'addUser': {
      if (!ORG_ROLES.slice(0, 5).includes(op.role)) return 'invalid';
      if (op.role === 'owner' && !actorIsOwner(m, op.actor)) return 'forbidden';
      if (!started) return op.role === 'owner' ? null : 'conflict';
      if (m.used.has(op.user)) return 'already_exists';
      if ([...m.users.values()].some((u) => u.email === op.email.toLowerCase())) return 'already_exists';
      return null;
    }
    case 'changeRole': {
      if (!ORG_ROLES.slice(0, 5).includes(op.role)) return 'invalid';
      if (!started) return 'conflict';
      const user = m.users.get(op.user);
      if (!user) return m.sas.has(op.user) ? 'invalid' : 'not_found';
      if (user.role === op.role) return null;
      if ((user.role === 'owner' || op.role === 'owner') && !actorIsOwner(m, op.actor)) return 'forbidden';
      if (user.role === 'owner' && owners(m) === 1) return 'conflict';
      return null;
    }
    case 'removeMember': {
      if (!started) return 'conflict';
      const user = m.users.get(op.user);
      if (!user) return m.sas.has(op.user) ? 'invalid' : 'not_found';
      if (user.role === 'owner' && !actorIsOwner(m, op.actor)) return 'forbidden';
      if (user.role === 'owner' && owners(m) === 1) return 'conflict';
      return null;
    }
    case 'addServiceAccount':
      if (op.name === 'Bad_Name') return 'invalid';
      if (!started) return 'conflict';
      if (m.used.has(op.sa)) return 'already_exists';
      if ([...m.sas.values()].includes(op.name)) return 'already_exists';
      return null;
    case 'removeServiceAccount':
      if (!started) return 'conflict';
      return m.sas.has(op.sa) ? null : 'not_found';
    case 'bind': {
      const b = world.model.bindings;
      if (!['admin', 'developer', 'viewer'].includes(op.role)) return 'invalid';
      if (!scopeValid(op.scope)) return 'invalid';
      if (!m.users.has(op.principal) && !m.sas.has(op.principal)) return 'not_found';
      if (b.used.has(op.binding)) return 'already_exists';
      const same = [...b.current.values()].some((x) => x.principal_id === op.principal && x.role === op.role && normalizeScope(x.scope) === normalizeScope(op.scope));
      return same ? 'already_exists' : null;
    }
    case 'unbind':
      return world.model.bindings.current.has(op.binding) ? null : 'not_found';
    case 'issueKey': {
      if (op.expiresInSeconds !== null && op.expiresInSeconds <= 0) return 'invalid';
      if (!m.users.has(op.principal) && !m.sas.has(op.principal)) return 'not_found';
      return world.model.keys.has(op.key) ? 'already_exists' : null;
    }
    case 'revokeKey':
      return world.model.keys.has(op.key) ? null : 'not_found';
    case 'disableKey':
    case 'enableKey': {
      const key = world.model.keys.get(op.key);
      if (!key) return 'not_found';
      return key.status === 'revoked' ? 'conflict' : null;
    }
    case 'rotateKey': {
      const key = world.model.keys.get(op.key);
      if (!key) return 'not_found';
      if (key.status === 'revoked') return 'conflict';
      if (key.expiresMs !== null && world.nowMs >= key.expiresMs) return 'conflict';
      return null;
    }
    case 'tick':
      return null;
  }
};

/** Apply an accepted op to the naive models. */
const applyToModel = (world: World, op: Op, secretHash: string): void => {
  const { members: m, bindings: b, keys } = world.model;
  switch (op.kind) {
    case 'addUser': m.users.set(op.user, { role: op.role, email: op.email.toLowerCase() }); m.used.add(op.user); return;
    case 'changeRole': m.users.get(op.user)!.role = op.role; return;
    case 'removeMember': m.users.delete(op.user); return;
    case 'addServiceAccount': m.sas.set(op.sa, op.name); m.used.add(op.sa); return;
    case 'removeServiceAccount': m.sas.delete(op.sa); return;
    case 'bind': b.current.set(op.binding, { principal_id: op.principal, role: op.role, scope: op.scope }); b.used.add(op.binding); return;
    case 'unbind': b.current.delete(op.binding); return;
    case 'issueKey':
      keys.set(op.key, {
        status: 'active',
        expiresMs: op.expiresInSeconds === null ? null : world.nowMs + op.expiresInSeconds * 1000,
        creds: [{ hash: secretHash, untilMs: Number.POSITIVE_INFINITY }],
      });
      return;
    case 'revokeKey': keys.get(op.key)!.status = 'revoked'; return;
    case 'disableKey': keys.get(op.key)!.status = 'disabled'; return;
    case 'enableKey': keys.get(op.key)!.status = 'active'; return;
    case 'rotateKey': {
      const key = keys.get(op.key)!;
      key.creds = [
        ...key.creds.map((c) => (c.untilMs === Number.POSITIVE_INFINITY ? { ...c, untilMs: world.nowMs + op.grace * 1000 } : c)),
        { hash: secretHash, untilMs: Number.POSITIVE_INFINITY },
      ];
      return;
    }
    case 'tick': world.nowMs += op.seconds * 1000; return;
  }
};

const modelValidHashes = (key: KeyModel | undefined, atMs: number): string[] =>
  !key || key.status !== 'active' || (key.expiresMs !== null && atMs >= key.expiresMs)
    ? []
    : key.creds.filter((c) => atMs < c.untilMs).map((c) => c.hash);

// ---------------------------------------------------------------------------------------------
// Running ops through the deciders.

type Outcome = { readonly ok: true; readonly events: readonly DomainEvent[] } | { readonly ok: false; readonly code: DomainErrorCode };

const attempt = <S, C extends DomainCommand, E extends DomainEvent>(decider: Decider<S, C, E>, command: C, state: S): Outcome => {
  try {
    return { ok: true, events: decider.decide(command, state) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { ok: false, code: error.code };
  }
};

const step = (world: World, op: Op): void => {
  const context = (actor = 'operator') => testContext({ actor: toActor(actor), now: new Date(world.nowMs).toISOString(), command_id: `cmd-${world.serial}` });
  world.serial += 1;
  const serial = world.serial;
  const prefix = `dwc_${String(serial).padStart(12, '0')}`;
  const secretHash = hashSecret(`token-${serial}`);
  const predicted = predict(world, op);
  const ownerBefore = (actor: string) => actor === 'operator' || principalOf(world.membership, actor)?.organization_role === 'owner';
  let outcome: Outcome;

  const runMembership = (command: Parameters<typeof membershipDecider.decide>[0], actor: string) => {
    const result = attempt(membershipDecider, command, world.membership);
    if (result.ok) {
      // Only an owner (or the operator) ever grants or takes away the owner role.
      for (const event of result.events as readonly MembershipEvent[]) {
        const touchesOwner =
          (event.type === 'UserAdded' && event.data.organization_role === 'owner') ||
          (event.type === 'MemberRoleChanged' && (event.data.organization_role === 'owner' || event.data.previous_role === 'owner')) ||
          (event.type === 'MemberRemoved' && event.data.organization_role === 'owner');
        if (touchesOwner) expect(ownerBefore(actor)).toBe(true);
      }
      world.membership = (result.events as readonly MembershipEvent[]).reduce(membershipDecider.evolve, world.membership);
    }
    return result;
  };
  const principalKind = (id: string) => principalOf(world.membership, id)?.kind ?? null;

  switch (op.kind) {
    case 'addUser':
      outcome = runMembership({ type: 'AddUser', data: { user_id: op.user, email: op.email, organization_role: op.role }, context: context(op.actor) }, op.actor);
      break;
    case 'changeRole':
      outcome = runMembership({ type: 'ChangeMemberRole', data: { member_id: op.user, organization_role: op.role }, context: context(op.actor) }, op.actor);
      break;
    case 'removeMember':
      outcome = runMembership({ type: 'RemoveMember', data: { member_id: op.user }, context: context(op.actor) }, op.actor);
      break;
    case 'addServiceAccount':
      outcome = runMembership({ type: 'AddServiceAccount', data: { service_account_id: op.sa, name: op.name }, context: context() }, 'operator');
      break;
    case 'removeServiceAccount':
      outcome = runMembership({ type: 'RemoveServiceAccount', data: { service_account_id: op.sa }, context: context() }, 'operator');
      break;
    case 'bind':
    case 'unbind': {
      const command = op.kind === 'bind'
        ? { type: 'CreateRoleBinding' as const, data: { binding_id: op.binding, principal_id: op.principal, principal_kind: principalKind(op.principal), role: op.role, scope: op.scope }, context: context() }
        : { type: 'DeleteRoleBinding' as const, data: { binding_id: op.binding }, context: context() };
      outcome = attempt(roleBindingsDecider, command, world.roleBindings);
      if (outcome.ok) world.roleBindings = fold({ initialState: () => world.roleBindings, evolve: roleBindingsDecider.evolve }, outcome.events as never);
      break;
    }
    case 'issueKey':
    case 'revokeKey':
    case 'disableKey':
    case 'enableKey':
    case 'rotateKey': {
      const state = world.keys.get(op.key) ?? apiKeyDecider.initialState();
      const command =
        op.kind === 'issueKey'
          ? {
              type: 'IssueApiKey' as const,
              data: {
                key_id: op.key, principal_id: op.principal, principal_kind: principalKind(op.principal), name: 'k', token_prefix: prefix, secret_hash: secretHash,
                expires_at: op.expiresInSeconds === null ? null : new Date(world.nowMs + op.expiresInSeconds * 1000).toISOString(),
              },
              context: context(),
            }
          : op.kind === 'rotateKey'
            ? { type: 'RotateApiKey' as const, data: { key_id: op.key, new_token_prefix: prefix, new_secret_hash: secretHash, grace_seconds: op.grace }, context: context() }
            : { type: ({ revokeKey: 'RevokeApiKey', disableKey: 'DisableApiKey', enableKey: 'EnableApiKey' } as const)[op.kind], data: { key_id: op.key }, context: context() };
      outcome = attempt(apiKeyDecider, command, state);
      if (outcome.ok) world.keys.set(op.key, fold({ initialState: () => state, evolve: apiKeyDecider.evolve }, outcome.events as never));
      break;
    }
    case 'tick':
      outcome = { ok: true, events: [] };
      break;
  }

  expect({ op, outcome: outcome.ok ? 'accepted' : outcome.code }).toEqual({ op, outcome: predicted ?? 'accepted' });
  if (outcome.ok) applyToModel(world, op, secretHash);

  // Invariants after every step.
  if (world.model.members.used.size > 0) expect(owners(world.model.members)).toBeGreaterThanOrEqual(1);
  for (const key of KEYS) {
    for (const offset of [0, 1000, 60_000, 3_600_000]) {
      const at = world.nowMs + offset;
      const actual = validCredentials(world.keys.get(key) ?? apiKeyDecider.initialState(), new Date(at).toISOString()).map((c) => c.secret_hash);
      expect(new Set(actual)).toEqual(new Set(modelValidHashes(world.model.keys.get(key), at)));
    }
  }
};

interface Snapshot extends AccessSnapshot { readonly refBindings: readonly RefBinding[] }

const snapshotOf = (world: World, extraRole: PermissionPrincipal['organization_role']): Snapshot => {
  const principals: PermissionPrincipal[] = PRINCIPALS.map((id) => ({ id, organization_role: principalOf(world.membership, id)?.organization_role ?? null }));
  // The same id again with an arbitrary organization role: `can` must judge any principal, not only the membership's.
  principals.push({ id: 'usr_1', organization_role: extraRole });
  const bindings = bindingsOf(world.roleBindings);
  return { principals, bindings, resources: TREE, refBindings: [...world.model.bindings.current.values()] };
};

const checkAgreement = (snapshot: Snapshot): void => {
  for (const principal of snapshot.principals) {
    // `usage.ingest` is not a principal capability: the reference knows no level for it, so denies it.
    for (const capability of [...CAPABILITIES, 'usage.ingest']) {
      for (const resource of RESOURCES) {
        const actual = can(principal, snapshot.bindings, capability as Capability, resource);
        const expected = referenceCan(principal, snapshot.refBindings, capability, resource);
        if (actual !== expected) {
          throw new Error(`can disagrees with the reference: ${JSON.stringify({ principal, capability, resource, actual, expected, bindings: snapshot.bindings })}`);
        }
      }
    }
    const effective = effectiveCapabilities(principal, snapshot.bindings, TREE);
    const expected = TREE.flatMap((resource) => CAPABILITIES.filter((c) => referenceCan(principal, snapshot.refBindings, c, resource)).map((c) => ({ capability: c, resource })));
    expect(effective.map((g) => [g.capability, pathOf(g.resource)])).toEqual(expected.map((g) => [g.capability, pathOf(g.resource)]));
  }
};

describe('identity deciders and can, over random command sequences', () => {
  it('accept exactly what the naive models accept, and can agrees with the reference permission model', () => {
    const bootstrap: Op = { kind: 'addUser', user: 'usr_0', email: 'owner@example.com', role: 'owner', actor: 'operator' };
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 60, size: 'medium' }),
        fc.oneof({ weight: 9, arbitrary: setupArb }, { weight: 1, arbitrary: fc.constant(null) }),
        fc.constantFrom<PermissionPrincipal['organization_role']>('owner', 'admin', 'finance', 'auditor', 'member', null),
        (ops, setup, extraRole) => {
          const world = newWorld();
          // Without a setup the organization has no owner yet: the bootstrap rules get exercised.
          const sequence = setup === null ? ops : [bootstrap, ...setup, ...ops];
          const middle = Math.floor(sequence.length / 2);
          sequence.slice(0, middle).forEach((op) => step(world, op));
          const before = snapshotOf(world, extraRole);
          sequence.slice(middle).forEach((op) => step(world, op));
          const after = snapshotOf(world, extraRole);

          checkAgreement(before);
          checkAgreement(after);

          // The diff lists exactly the (principal, capability, resource) whose answer changed.
          const diff = permissionDiff(before, after);
          const expected = new Set<string>();
          for (const principal of before.principals) {
            for (const resource of TREE) {
              for (const capability of CAPABILITIES) {
                // A snapshot may list one id twice (see snapshotOf): its grants are the union.
                const was = before.principals.some((p) => p.id === principal.id && referenceCan(p, before.refBindings, capability, resource));
                const is = after.principals.some((p) => p.id === principal.id && referenceCan(p, after.refBindings, capability, resource));
                if (was !== is) expected.add(JSON.stringify([principal.id, capability, pathOf(resource), is ? 'gained' : 'lost']));
              }
            }
          }
          expect(new Set(diff.map((c) => JSON.stringify([c.principal_id, c.capability, pathOf(c.resource), c.change])))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
