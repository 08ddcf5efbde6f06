import { BindingRole, OrganizationRole, RoleScope, RoleScopeInput } from '../../domain/identity';

/**
 * Permission evaluation: one pure function, `can`, decides every permission from a principal's
 * organization role and its role bindings. Everything else here (`effectiveCapabilities`,
 * `accessGrants`, `permissionDiff`) is built on `can`.
 *
 * Rules
 * - Organization roles: `owner` and `admin` may do everything in the organization; `finance` may
 *   `organization.read` and `billing.read`; `auditor` may `organization.read` and `audit_log.read` (the
 *   audit log, its checkpoints and exports, access reviews and event replay); `member` may `organization.read`. Service accounts have
 *   no organization role (null): all their rights come from bindings. Who may grant or remove the
 *   owner role is decided by the membership decider, not here.
 * - A binding grants its role's capabilities on every resource within its scope: the resources
 *   whose path agrees with every field the scope sets. Scopes nest: a binding on project P covers P,
 *   P's environments and their namespaces; a binding on namespace N covers N only, never its
 *   siblings.
 * - Navigation: a binding also grants `project.read` / `environment.read` on the ancestors its
 *   scope names (a binding on `{project: P, environment: E, namespace: N}` lets its holder see P and
 *   P/E, so it can find N). A namespace-only scope `{namespace: N}` names no ancestor and reveals
 *   none.
 * - Binding roles: `viewer` reads; `developer` also forwards workflow commands and creates children
 *   (environments in a project, namespaces in an environment) within scope; `admin` also manages
 *   namespaces (runtime target, migration, runtime credentials) and their replication. No binding
 *   grants an organization-level capability (`role_bindings.manage`, `api_keys.manage`, … stay with
 *   owners and admins of the organization).
 * - A question is asked at the capability's level (CAPABILITY_LEVEL): organization capabilities
 *   about `{}`, project capabilities about `{project}`, environment capabilities about
 *   `{project, environment}`, namespace capabilities about `{project, environment, namespace}`.
 *   `environments.create` is asked about the project that will hold the environment and
 *   `namespaces.create` about the environment. A resource at another level, or a malformed one
 *   (a namespace without its project and environment, an empty name), is denied: fail closed.
 * - `api_keys.manage` is about other principals' keys. A user managing its own keys needs no
 *   capability (the handler compares the key's principal with the caller); a service account's keys
 *   are managed by someone holding `api_keys.manage`.
 */

export const CAPABILITIES = Object.freeze([
  'organization.read',
  'members.manage',
  'service_accounts.manage',
  'role_bindings.manage',
  'api_keys.manage',
  'projects.create',
  'project.read',
  'environments.create',
  'environment.read',
  'namespaces.create',
  'namespace.read',
  'namespace.manage',
  'workflows.forward',
  'runtime_targets.manage',
  'runtime_targets.read',
  'replication.manage',
  'billing.read',
  'audit_log.read',
] as const);

export type Capability = (typeof CAPABILITIES)[number];

export const isCapability = (value: unknown): value is Capability =>
  typeof value === 'string' && (CAPABILITIES as readonly string[]).includes(value);

export type ResourceLevel = 'organization' | 'project' | 'environment' | 'namespace';
export const RESOURCE_LEVELS = Object.freeze(['organization', 'project', 'environment', 'namespace'] as const);

/** The level of resource each capability is asked about. */
export const CAPABILITY_LEVEL: Readonly<Record<Capability, ResourceLevel>> = Object.freeze({
  'organization.read': 'organization',
  'members.manage': 'organization',
  'service_accounts.manage': 'organization',
  'role_bindings.manage': 'organization',
  'api_keys.manage': 'organization',
  'projects.create': 'organization',
  'project.read': 'project',
  'environments.create': 'project',
  'environment.read': 'environment',
  'namespaces.create': 'environment',
  'namespace.read': 'namespace',
  'namespace.manage': 'namespace',
  'workflows.forward': 'namespace',
  'runtime_targets.manage': 'organization',
  'runtime_targets.read': 'organization',
  'replication.manage': 'namespace',
  'billing.read': 'organization',
  'audit_log.read': 'organization',
});

/** Who is asking: a user with its organization role, or a service account (role null). */
export interface PermissionPrincipal {
  readonly id: string;
  readonly organization_role: OrganizationRole | null;
}

/** A role binding as `can` reads it; the domain's `RoleBinding` and read-model rows (null columns) fit. */
export interface PermissionBinding {
  readonly principal_id: string;
  readonly role: BindingRole;
  readonly scope: RoleScopeInput;
}

/** The full path of the target: a namespace carries its project and environment. `{}` is the organization. */
export interface PermissionResource {
  readonly project?: string | null;
  readonly environment?: string | null;
  readonly namespace?: string | null;
}
export type Resource = PermissionResource;

/** A resource with only its set fields, in path order. */
export interface ResourcePath {
  readonly project?: string;
  readonly environment?: string;
  readonly namespace?: string;
}

const ORGANIZATION_ROLE_CAPABILITIES: Readonly<Record<OrganizationRole, ReadonlySet<Capability>>> = Object.freeze({
  owner: new Set(CAPABILITIES),
  admin: new Set(CAPABILITIES),
  finance: new Set<Capability>(['organization.read', 'billing.read']),
  auditor: new Set<Capability>(['organization.read', 'audit_log.read']),
  member: new Set<Capability>(['organization.read']),
});

const VIEWER: readonly Capability[] = ['project.read', 'environment.read', 'namespace.read'];
const DEVELOPER: readonly Capability[] = [...VIEWER, 'environments.create', 'namespaces.create', 'workflows.forward'];
const ADMIN: readonly Capability[] = [...DEVELOPER, 'namespace.manage', 'replication.manage'];

const BINDING_ROLE_CAPABILITIES: Readonly<Record<BindingRole, ReadonlySet<Capability>>> = Object.freeze({
  viewer: new Set(VIEWER),
  developer: new Set(DEVELOPER),
  admin: new Set(ADMIN),
});

/** Granted on the ancestors a binding's scope names, so its holder can navigate to the scope. */
const NAVIGATION_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(['project.read', 'environment.read']);

const isName = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isUnset = (value: unknown): boolean => value === undefined || value === null;

/** The resource with only its set fields, or null when it is not a well-formed path. */
export const resourcePath = (resource: Resource): ResourcePath | null => {
  if (resource === null || typeof resource !== 'object') return null;
  const { project, environment, namespace } = resource;
  for (const value of [project, environment, namespace]) if (!isUnset(value) && !isName(value)) return null;
  if (isName(namespace)) return isName(project) && isName(environment) ? { project, environment, namespace } : null;
  if (isName(environment)) return isName(project) ? { project, environment } : null;
  if (isName(project)) return { project };
  return {};
};

export const levelOf = (path: ResourcePath): ResourceLevel =>
  path.namespace !== undefined ? 'namespace' : path.environment !== undefined ? 'environment' : path.project !== undefined ? 'project' : 'organization';

const depth = (level: ResourceLevel): number => RESOURCE_LEVELS.indexOf(level);

/** The deepest level a scope names. */
const scopeLevel = (scope: RoleScope): ResourceLevel =>
  scope.namespace !== undefined ? 'namespace' : scope.environment !== undefined ? 'environment' : 'project';

const validScope = (scope: RoleScopeInput): RoleScope | null => {
  try {
    return RoleScope.normalize(scope);
  } catch {
    return null;
  }
};

/** The resource lies within the scope: it agrees with every field the scope sets. */
const covers = (scope: RoleScope, path: ResourcePath): boolean =>
  RoleScope.fields.every((field) => scope[field] === undefined || scope[field] === path[field]);

/** The resource is a strict ancestor of the scope and the scope names every field of it. */
const isNamedAncestor = (path: ResourcePath, scope: RoleScope): boolean =>
  depth(levelOf(path)) < depth(scopeLevel(scope)) &&
  RoleScope.fields.every((field) => path[field] === undefined || path[field] === scope[field]);

const bindingGrants = (binding: PermissionBinding, capability: Capability, path: ResourcePath): boolean => {
  if (!BindingRole.is(binding.role)) return false;
  const scope = validScope(binding.scope);
  if (scope === null) return false;
  if (BINDING_ROLE_CAPABILITIES[binding.role].has(capability) && covers(scope, path)) return true;
  return NAVIGATION_CAPABILITIES.has(capability) && isNamedAncestor(path, scope);
};

/** May `principal` exercise `capability` on `resource`? The only permission decision there is. */
export const can = (
  principal: PermissionPrincipal,
  bindings: readonly PermissionBinding[],
  capability: Capability,
  resource: Resource,
): boolean => {
  if (!isCapability(capability)) return false;
  const path = resourcePath(resource);
  if (path === null || levelOf(path) !== CAPABILITY_LEVEL[capability]) return false;
  const role = principal.organization_role;
  if (OrganizationRole.is(role) && ORGANIZATION_ROLE_CAPABILITIES[role].has(capability)) return true;
  return bindings.some((binding) => binding.principal_id === principal.id && bindingGrants(binding, capability, path));
};

/**
 * A name no valid scope can hold (names are DNS labels): it stands for "any other project /
 * environment / namespace" when comparing what two principals hold.
 */
const ANY_OTHER = '\u0000any';

/**
 * Resources that stand for everything a set of bindings (and any organization role) can reach: the
 * organization, an arbitrary project/environment/namespace, and for each binding scope the most
 * general path at every level within it (its named fields kept, the others ANY_OTHER). Bindings
 * only ever match named fields, so whatever holds on these holds on every resource they stand for.
 */
const representativeResources = (bindings: readonly PermissionBinding[]): readonly ResourcePath[] => {
  const chains = [{}, ...bindings.map((binding) => validScope(binding.scope)).filter((scope): scope is RoleScope => scope !== null)]
    .map((scope: Partial<RoleScope>) => {
      const project = scope.project ?? ANY_OTHER;
      const environment = scope.environment ?? ANY_OTHER;
      const namespace = scope.namespace ?? ANY_OTHER;
      return [{ project }, { project, environment }, { project, environment, namespace }];
    });
  return [{}, ...chains.flat()];
};

/**
 * May `actor` act on `target` (issue, rotate, disable, enable or revoke its keys, change its role,
 * bind or unbind it, remove it)? Only when the target holds nothing the actor lacks: every
 * capability the target has, on any resource, the actor has too, and an owner is only managed by an
 * owner. Pass the target as it would be after the action (a new role, an added binding) as well as
 * before it. An actor always may act on itself. Built on `can` alone.
 */
export const mayActOnPrincipal = (
  actor: PermissionPrincipal,
  actorBindings: readonly PermissionBinding[],
  target: PermissionPrincipal,
  targetBindings: readonly PermissionBinding[],
): boolean => {
  if (target.organization_role === 'owner' && actor.organization_role !== 'owner') return false;
  const own = targetBindings.filter((binding) => binding.principal_id === target.id);
  return representativeResources(own).every((resource) =>
    CAPABILITIES.every((capability) => !can(target, own, capability, resource) || can(actor, actorBindings, capability, resource)));
};

export interface CapabilityGrant {
  readonly capability: Capability;
  readonly resource: ResourcePath;
}

export interface PrincipalGrant extends CapabilityGrant {
  readonly principal_id: string;
}

export interface PermissionChange extends PrincipalGrant {
  readonly change: 'gained' | 'lost';
}

const resourceKey = (path: ResourcePath): string => JSON.stringify([path.project ?? null, path.environment ?? null, path.namespace ?? null]);

/** Well-formed, distinct paths of the organization and the given resources, organization first. */
const universe = (resources: readonly Resource[]): readonly ResourcePath[] => {
  const seen = new Map<string, ResourcePath>([[resourceKey({}), {}]]);
  for (const resource of resources) {
    const path = resourcePath(resource);
    if (path !== null && !seen.has(resourceKey(path))) seen.set(resourceKey(path), path);
  }
  return [...seen.values()];
};

/**
 * Every capability the principal holds on the organization and on each given resource (the
 * organization's projects, environments and namespaces from the tenancy read model), in resource
 * order then CAPABILITIES order. For `GET /me` and dry runs. Malformed resources are skipped.
 */
export const effectiveCapabilities = (
  principal: PermissionPrincipal,
  bindings: readonly PermissionBinding[],
  resources: readonly Resource[],
): readonly CapabilityGrant[] =>
  universe(resources).flatMap((resource) =>
    CAPABILITIES.filter((capability) => can(principal, bindings, capability, resource)).map((capability) => ({ capability, resource })),
  );

/** Who may do what on which resource in an organization, at one instant or after a proposed change. */
export interface AccessSnapshot {
  readonly principals: readonly PermissionPrincipal[];
  readonly bindings: readonly PermissionBinding[];
  readonly resources: readonly Resource[];
}

export const accessGrants = (snapshot: AccessSnapshot): readonly PrincipalGrant[] =>
  snapshot.principals.flatMap((principal) =>
    effectiveCapabilities(principal, snapshot.bindings, snapshot.resources).map((grant) => ({ principal_id: principal.id, ...grant })),
  );

const grantKey = (grant: PrincipalGrant): string => JSON.stringify([grant.principal_id, resourceKey(grant.resource), grant.capability]);

const compareChanges = (a: PermissionChange, b: PermissionChange): number =>
  (a.principal_id < b.principal_id ? -1 : a.principal_id > b.principal_id ? 1 : 0) ||
  depth(levelOf(a.resource)) - depth(levelOf(b.resource)) ||
  (resourceKey(a.resource) < resourceKey(b.resource) ? -1 : resourceKey(a.resource) > resourceKey(b.resource) ? 1 : 0) ||
  CAPABILITIES.indexOf(a.capability) - CAPABILITIES.indexOf(b.capability);

/**
 * What changes between two snapshots (e.g. the current one and the one a role-binding or member
 * command would produce): each (principal, capability, resource) gained or lost, sorted by
 * principal id, resource (shallow first) and capability.
 */
export const permissionDiff = (before: AccessSnapshot, after: AccessSnapshot): readonly PermissionChange[] => {
  const beforeGrants = new Map(accessGrants(before).map((g) => [grantKey(g), g]));
  const afterGrants = new Map(accessGrants(after).map((g) => [grantKey(g), g]));
  const lost = [...beforeGrants].filter(([key]) => !afterGrants.has(key)).map(([, g]): PermissionChange => ({ ...g, change: 'lost' }));
  const gained = [...afterGrants].filter(([key]) => !beforeGrants.has(key)).map(([, g]): PermissionChange => ({ ...g, change: 'gained' }));
  return [...lost, ...gained].sort(compareChanges);
};

/**
 * The role × capability table the README shows, written out by hand; a test checks it against `can`.
 * - `organization`: everywhere in the organization;
 * - `scope`: on every resource within the binding's scope;
 * - `scope_and_ancestors`: within scope, and on the ancestors the scope names (navigation);
 * - `none`: never from this role.
 */
export type TableCell = 'organization' | 'scope' | 'scope_and_ancestors' | 'none';

export interface RoleCapabilityRow {
  readonly granted_by: 'organization_role' | 'role_binding';
  /** The organization role (null: a service account, which has none) or the binding role. */
  readonly role: OrganizationRole | BindingRole | null;
  readonly label: string;
  readonly cells: Readonly<Record<Capability, TableCell>>;
}

const row = (
  granted_by: RoleCapabilityRow['granted_by'],
  role: RoleCapabilityRow['role'],
  label: string,
  cells: Partial<Record<Capability, TableCell>>,
): RoleCapabilityRow =>
  Object.freeze({
    granted_by,
    role,
    label,
    cells: Object.freeze(Object.fromEntries(CAPABILITIES.map((c) => [c, cells[c] ?? 'none'])) as Record<Capability, TableCell>),
  });

const everywhere = Object.fromEntries(CAPABILITIES.map((c) => [c, 'organization'])) as Record<Capability, TableCell>;

export const ROLE_CAPABILITY_TABLE: readonly RoleCapabilityRow[] = Object.freeze([
  row('organization_role', 'owner', 'owner', everywhere),
  row('organization_role', 'admin', 'admin', everywhere),
  row('organization_role', 'finance', 'finance', { 'organization.read': 'organization', 'billing.read': 'organization' }),
  row('organization_role', 'auditor', 'auditor', { 'organization.read': 'organization', 'audit_log.read': 'organization' }),
  row('organization_role', 'member', 'member', { 'organization.read': 'organization' }),
  row('organization_role', null, 'service account', {}),
  row('role_binding', 'admin', 'binding: admin', {
    'project.read': 'scope_and_ancestors',
    'environments.create': 'scope',
    'environment.read': 'scope_and_ancestors',
    'namespaces.create': 'scope',
    'namespace.read': 'scope',
    'namespace.manage': 'scope',
    'workflows.forward': 'scope',
    'replication.manage': 'scope',
  }),
  row('role_binding', 'developer', 'binding: developer', {
    'project.read': 'scope_and_ancestors',
    'environments.create': 'scope',
    'environment.read': 'scope_and_ancestors',
    'namespaces.create': 'scope',
    'namespace.read': 'scope',
    'workflows.forward': 'scope',
  }),
  row('role_binding', 'viewer', 'binding: viewer', {
    'project.read': 'scope_and_ancestors',
    'environment.read': 'scope_and_ancestors',
    'namespace.read': 'scope',
  }),
]);

const CELL_TEXT: Readonly<Record<TableCell, string>> = Object.freeze({
  organization: '✓',
  scope: 'in scope',
  scope_and_ancestors: 'in scope + ancestors',
  none: '—',
});

/** ROLE_CAPABILITY_TABLE as a markdown table: one row per capability, one column per role. */
export const roleCapabilityTableMarkdown = (): string => {
  const header = ['capability', ...ROLE_CAPABILITY_TABLE.map((r) => r.label)];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...CAPABILITIES.map((c) => `| \`${c}\` | ${ROLE_CAPABILITY_TABLE.map((r) => CELL_TEXT[r.cells[c]]).join(' | ')} |`),
  ];
  return [
    ...lines,
    '',
    '✓ everywhere in the organization; "in scope": on the binding\'s scope and everything below it; ' +
      '"+ ancestors": also on the project and environment the scope names, so its holder can navigate to it; — never.',
  ].join('\n');
};
