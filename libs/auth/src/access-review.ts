import { ApiKeyEvent } from '../../domain/identity/api-keys/events';
import { MembershipEvent } from '../../domain/identity/membership/events';
import { RoleBindingsEvent } from '../../domain/identity/role-bindings/events';
import { BindingRole, OrganizationRole, PrincipalKind, RoleScope } from '../../domain/identity/roles';
import {
  can, Capability, CAPABILITIES, CAPABILITY_LEVEL, effectiveCapabilities, PermissionBinding, PermissionPrincipal, ResourcePath,
} from './permissions';

/**
 * Access review as of an instant: fold the organization's identity and tenancy events, in log order,
 * up to the instant, then ask the one permission function (`can`) about that state. Pure: the
 * caller reads the events (through the event-store port) and hands them over one by one.
 */

/** The event types the fold reads; everything else is skipped by the reader. */
export const ACCESS_REVIEW_EVENT_TYPES: readonly string[] = Object.freeze([
  ...MembershipEvent.types, ...RoleBindingsEvent.types, ...ApiKeyEvent.types,
  'ProjectCreated', 'EnvironmentCreated', 'NamespaceCreated', 'NamespaceDeleted',
]);

export interface ReviewEvent {
  readonly type: string;
  readonly data: unknown;
  /** `<commit>.<prepare>`: where the fact came from, shown in the answer. */
  readonly position: string;
}

interface PrincipalFacts {
  readonly id: string;
  readonly kind: PrincipalKind;
  readonly display: string;
  organization_role: OrganizationRole | null;
  present: boolean;
  /** The event that last set the principal's presence or role. */
  position: string;
}

interface BindingFacts {
  readonly binding_id: string;
  readonly principal_id: string;
  readonly role: BindingRole;
  readonly scope: RoleScope;
  readonly position: string;
}

interface KeyFacts {
  readonly key_id: string;
  readonly principal_id: string;
  readonly name: string;
  readonly expires_at: string | null;
  status: 'active' | 'disabled' | 'revoked';
  position: string;
}

export interface AccessState {
  readonly principals: Map<string, PrincipalFacts>;
  readonly bindings: Map<string, BindingFacts>;
  readonly keys: Map<string, KeyFacts>;
  readonly projects: Set<string>;
  readonly environments: Map<string, { project: string; environment: string }>;
  readonly namespaces: Map<string, { project: string; environment: string }>;
  events: number;
  through: string | null;
}

export const emptyAccessState = (): AccessState => ({
  principals: new Map(), bindings: new Map(), keys: new Map(), projects: new Set(), environments: new Map(), namespaces: new Map(),
  events: 0, through: null,
});

/** Applies one event (the state is the fold's own accumulator, created by `emptyAccessState`). */
export function applyAccessEvent(state: AccessState, event: ReviewEvent): AccessState {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one fold over many event shapes; each case reads the fields of its type
  const d = event.data as Record<string, any>;
  const at = event.position;
  switch (event.type) {
    case 'UserAdded':
      state.principals.set(d.user_id, { id: d.user_id, kind: 'user', display: d.email, organization_role: d.organization_role, present: true, position: at });
      break;
    case 'ServiceAccountCreated':
      state.principals.set(d.service_account_id, { id: d.service_account_id, kind: 'service_account', display: d.name, organization_role: null, present: true, position: at });
      break;
    case 'MemberRoleChanged': {
      const p = state.principals.get(d.member_id);
      if (p) Object.assign(p, { organization_role: d.organization_role, position: at });
      break;
    }
    case 'MemberRemoved':
    case 'ServiceAccountRemoved': {
      const p = state.principals.get(d.member_id ?? d.service_account_id);
      if (p) Object.assign(p, { present: false, position: at });
      break;
    }
    case 'RoleBindingCreated':
      state.bindings.set(d.binding_id, { binding_id: d.binding_id, principal_id: d.principal_id, role: d.role, scope: d.scope, position: at });
      break;
    case 'RoleBindingDeleted':
      state.bindings.delete(d.binding_id);
      break;
    case 'ApiKeyIssued':
      state.keys.set(d.key_id, { key_id: d.key_id, principal_id: d.principal_id, name: d.name, expires_at: d.expires_at ?? null, status: 'active', position: at });
      break;
    case 'ApiKeyRevoked':
    case 'ApiKeyDisabled':
    case 'ApiKeyEnabled': {
      const k = state.keys.get(d.key_id);
      const status = event.type === 'ApiKeyRevoked' ? 'revoked' : event.type === 'ApiKeyDisabled' ? 'disabled' : 'active';
      if (k && k.status !== 'revoked') Object.assign(k, { status, position: at });
      break;
    }
    case 'ApiKeyRotated': {
      const k = state.keys.get(d.key_id);
      if (k) k.position = at;
      break;
    }
    case 'ProjectCreated':
      state.projects.add(d.name);
      break;
    case 'EnvironmentCreated':
      state.environments.set(`${d.project}/${d.name}`, { project: d.project, environment: d.name });
      break;
    case 'NamespaceCreated':
      state.namespaces.set(d.name, { project: d.project, environment: d.environment });
      break;
    case 'NamespaceDeleted':
      state.namespaces.delete(d.name);
      break;
    default:
      return state;
  }
  state.events++;
  state.through = at;
  return state;
}

const permissionBindings = (state: AccessState): PermissionBinding[] =>
  [...state.bindings.values()].map((b) => ({ principal_id: b.principal_id, role: b.role, scope: b.scope }));

const keysOf = (state: AccessState, principalId: string, asOf: string) =>
  [...state.keys.values()].filter((k) => k.principal_id === principalId).map((k) => ({
    key_id: k.key_id, name: k.name,
    status: k.status === 'active' && k.expires_at !== null && Date.parse(k.expires_at) <= Date.parse(asOf) ? 'expired' : k.status,
    expires_at: k.expires_at, position: k.position,
  }));

const principalOf = (p: PrincipalFacts): PermissionPrincipal => ({ id: p.id, organization_role: p.organization_role });

const NAMESPACE_CAPABILITIES = CAPABILITIES.filter((c) => CAPABILITY_LEVEL[c] === 'namespace');

/** Who held which role on the namespace (through their organization role or a binding on it or an enclosing scope). */
export function namespaceReview(state: AccessState, namespace: string, asOf: string) {
  const placement = state.namespaces.get(namespace);
  if (!placement) return null;
  const path: ResourcePath = { project: placement.project, environment: placement.environment, namespace };
  const bindings = permissionBindings(state);
  const principals = [...state.principals.values()].filter((p) => p.present).flatMap((p) => {
    const capabilities = NAMESPACE_CAPABILITIES.filter((c) => can(principalOf(p), bindings, c, path));
    if (capabilities.length === 0) return [];
    const byRole = p.organization_role !== null && can(principalOf(p), [], 'namespace.read', path)
      ? [{ role: p.organization_role, granted_by: 'organization_role' as const, position: p.position }] : [];
    const byBinding = [...state.bindings.values()]
      .filter((b) => b.principal_id === p.id && can({ id: p.id, organization_role: null }, [b], 'namespace.read', path))
      .map((b) => ({ role: b.role, granted_by: 'role_binding' as const, binding_id: b.binding_id, scope: b.scope, position: b.position }));
    return [{
      principal_id: p.id, kind: p.kind, display: p.display, organization_role: p.organization_role,
      roles: [...byRole, ...byBinding], capabilities, api_keys: keysOf(state, p.id, asOf),
    }];
  });
  return { namespace, project: placement.project, environment: placement.environment, principals: principals.sort((a, b) => (a.principal_id < b.principal_id ? -1 : 1)) };
}

/** What the principal could do at the instant: its role, bindings, keys and every capability on every resource then. */
export function principalReview(state: AccessState, principalId: string, asOf: string) {
  const p = state.principals.get(principalId);
  if (!p) return null;
  const resources: ResourcePath[] = [
    ...[...state.projects].map((project) => ({ project })),
    ...[...state.environments.values()],
    ...[...state.namespaces].map(([namespace, at]) => ({ ...at, namespace })),
  ];
  const bindings = [...state.bindings.values()].filter((b) => b.principal_id === p.id);
  const capabilities: readonly { capability: Capability; resource: ResourcePath }[] = p.present
    ? effectiveCapabilities(principalOf(p), permissionBindings(state), resources) : [];
  return {
    principal: { id: p.id, kind: p.kind, display: p.display, organization_role: p.organization_role, present: p.present, position: p.position },
    role_bindings: bindings.map((b) => ({ binding_id: b.binding_id, role: b.role, scope: b.scope, position: b.position })),
    api_keys: keysOf(state, p.id, asOf),
    can_authenticate: p.present && keysOf(state, p.id, asOf).some((k) => k.status === 'active'),
    capabilities,
  };
}
