import { assertNever, Decider } from '../../shared/decider';
import { Actor, CommandContext } from '../../shared/event';
import { alreadyExists, conflict, invalid, notFound } from '../../shared/errors';
import { forbidden, nowOf, OrganizationRole, PrincipalKind, requireId, requireOrganizationId } from '../roles';
import { AddServiceAccount, AddUser, ChangeMemberRole, MembershipCommand, RemoveMember, RemoveServiceAccount } from './commands';
import { MembershipEvent } from './events';

/** One membership stream per organization: its users (with roles) and its service accounts. */
export const membershipStream = (organizationId: string): string => `membership-${organizationId}`;

export interface Member {
  readonly user_id: string;
  readonly email: string;
  readonly organization_role: OrganizationRole;
  readonly added_at: string;
}

export interface ServiceAccount {
  readonly service_account_id: string;
  readonly name: string;
  readonly created_at: string;
}

export type MembershipState =
  | { readonly status: 'empty' }
  | {
      readonly status: 'active';
      readonly organization_id: string;
      readonly members: ReadonlyMap<string, Member>;
      readonly service_accounts: ReadonlyMap<string, ServiceAccount>;
      /**
       * Every principal id this organization ever used, removed ones included. Ids are never
       * reused, so role bindings or API keys left behind by a removed principal can never be
       * inherited by a new one.
       */
      readonly used_ids: ReadonlySet<string>;
    };

type ActiveMembership = Extract<MembershipState, { status: 'active' }>;

/** A principal as the auth layer and the other identity deciders need it. */
export interface MembershipPrincipal {
  readonly id: string;
  readonly kind: PrincipalKind;
  /** null for service accounts: they have no organization role. */
  readonly organization_role: OrganizationRole | null;
}

/** The current principal with this id (user or service account), or null when there is none. */
export const principalOf = (state: MembershipState, id: string): MembershipPrincipal | null => {
  if (state.status === 'empty') return null;
  const member = state.members.get(id);
  if (member) return { id, kind: 'user', organization_role: member.organization_role };
  if (state.service_accounts.has(id)) return { id, kind: 'service_account', organization_role: null };
  return null;
};

/** All current principals: users first (in the order they were added), then service accounts. */
export const principalsOf = (state: MembershipState): readonly MembershipPrincipal[] =>
  state.status === 'empty'
    ? []
    : [
        ...[...state.members.values()].map((m): MembershipPrincipal => ({ id: m.user_id, kind: 'user', organization_role: m.organization_role })),
        ...[...state.service_accounts.keys()].map((id): MembershipPrincipal => ({ id, kind: 'service_account', organization_role: null })),
      ];

export const ownerCount = (state: MembershipState): number =>
  state.status === 'empty' ? 0 : [...state.members.values()].filter((m) => m.organization_role === 'owner').length;

const MAX_EMAIL_LENGTH = 254;
/** Deliberately simple: one '@', no whitespace, a dot in the domain. Deliverability is not our job. */
const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
/** RFC 1123 label: 1–63 of [a-z0-9-], not starting or ending with '-'. */
const DNS_LABEL_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const normalizeEmail = (value: unknown): string => {
  if (typeof value !== 'string') throw invalid('email must be a string', 'email');
  const email = value.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email)) throw invalid('email is not a valid address', 'email');
  return email;
};

export const isDnsLabel = (value: unknown): value is string => typeof value === 'string' && DNS_LABEL_PATTERN.test(value);

const requireRole = (value: unknown): OrganizationRole => {
  if (!OrganizationRole.is(value)) {
    throw invalid(`organization_role must be one of ${OrganizationRole.values.join(', ')}`, 'organization_role');
  }
  return value;
};

/**
 * Only an owner may grant or take away the owner role (an admin cannot manage owners). The
 * platform operator (bootstrap) and Cloud itself are trusted; a service account never is.
 */
const mayManageOwners = (state: MembershipState, actor: Actor): boolean => {
  switch (actor.kind) {
    case 'operator':
    case 'system':
      return true;
    case 'user':
      return state.status === 'active' && state.members.get(actor.id)?.organization_role === 'owner';
    case 'service_account':
    case 'runtime_target':
      return false;
    default:
      return assertNever(actor.kind);
  }
};

const iso = (context: CommandContext): string => new Date(nowOf(context)).toISOString();

const requireActive = (state: MembershipState, organizationId: string): ActiveMembership => {
  if (state.status === 'empty') throw conflict('the organization has no members yet; its first owner must be added first');
  // The stream is per organization; a foreign organization's state is answered like a missing one.
  if (state.organization_id !== organizationId) throw notFound('organization');
  return state;
};

const requireMember = (state: ActiveMembership, memberId: string): Member => {
  const member = state.members.get(memberId);
  if (member) return member;
  if (state.service_accounts.has(memberId)) {
    throw invalid('service accounts hold no organization role; use the service-account commands', 'member_id');
  }
  throw notFound('member', 'member_id');
};

const addUser = (command: AddUser, state: MembershipState): readonly MembershipEvent[] => {
  const organizationId = requireOrganizationId(command.context);
  const userId = requireId(command.data.user_id, 'user_id');
  const email = normalizeEmail(command.data.email);
  const role = requireRole(command.data.organization_role);
  if (role === 'owner' && !mayManageOwners(state, command.context.actor)) {
    throw forbidden('only an owner may grant the owner role', 'organization_role');
  }
  if (state.status === 'empty') {
    if (role !== 'owner') throw conflict('the first member of an organization must be an owner', 'organization_role');
  } else {
    const active = requireActive(state, organizationId);
    if (active.used_ids.has(userId)) throw alreadyExists('principal', 'user_id');
    if ([...active.members.values()].some((m) => m.email === email)) throw alreadyExists('member with this email', 'email');
  }
  return [{
    type: 'UserAdded',
    data: { organization_id: organizationId, user_id: userId, email, organization_role: role, added_at: iso(command.context) },
  }];
};

const changeMemberRole = (command: ChangeMemberRole, state: MembershipState): readonly MembershipEvent[] => {
  const organizationId = requireOrganizationId(command.context);
  const memberId = requireId(command.data.member_id, 'member_id');
  const role = requireRole(command.data.organization_role);
  const active = requireActive(state, organizationId);
  const member = requireMember(active, memberId);
  if (member.organization_role === role) return [];
  if ((member.organization_role === 'owner' || role === 'owner') && !mayManageOwners(active, command.context.actor)) {
    throw forbidden('only an owner may grant or take away the owner role', 'organization_role');
  }
  if (member.organization_role === 'owner' && ownerCount(active) === 1) {
    throw conflict('the last owner of an organization cannot be demoted', 'member_id');
  }
  return [{
    type: 'MemberRoleChanged',
    data: {
      organization_id: organizationId,
      member_id: memberId,
      organization_role: role,
      previous_role: member.organization_role,
      changed_at: iso(command.context),
    },
  }];
};

const removeMember = (command: RemoveMember, state: MembershipState): readonly MembershipEvent[] => {
  const organizationId = requireOrganizationId(command.context);
  const memberId = requireId(command.data.member_id, 'member_id');
  const active = requireActive(state, organizationId);
  const member = requireMember(active, memberId);
  if (member.organization_role === 'owner') {
    if (!mayManageOwners(active, command.context.actor)) throw forbidden('only an owner may remove an owner', 'member_id');
    if (ownerCount(active) === 1) throw conflict('the last owner of an organization cannot be removed', 'member_id');
  }
  return [{
    type: 'MemberRemoved',
    data: {
      organization_id: organizationId,
      member_id: memberId,
      email: member.email,
      organization_role: member.organization_role,
      removed_at: iso(command.context),
    },
  }];
};

const addServiceAccount = (command: AddServiceAccount, state: MembershipState): readonly MembershipEvent[] => {
  const organizationId = requireOrganizationId(command.context);
  const id = requireId(command.data.service_account_id, 'service_account_id');
  const name = command.data.name;
  if (!isDnsLabel(name)) {
    throw invalid("name must be 1–63 lower-case letters, digits or '-', not starting or ending with '-'", 'name');
  }
  const active = requireActive(state, organizationId);
  if (active.used_ids.has(id)) throw alreadyExists('principal', 'service_account_id');
  if ([...active.service_accounts.values()].some((sa) => sa.name === name)) throw alreadyExists('service account with this name', 'name');
  return [{
    type: 'ServiceAccountCreated',
    data: { organization_id: organizationId, service_account_id: id, name, created_at: iso(command.context) },
  }];
};

const removeServiceAccount = (command: RemoveServiceAccount, state: MembershipState): readonly MembershipEvent[] => {
  const organizationId = requireOrganizationId(command.context);
  const id = requireId(command.data.service_account_id, 'service_account_id');
  const active = requireActive(state, organizationId);
  const serviceAccount = active.service_accounts.get(id);
  if (!serviceAccount) throw notFound('service account', 'service_account_id');
  return [{
    type: 'ServiceAccountRemoved',
    data: { organization_id: organizationId, service_account_id: id, name: serviceAccount.name, removed_at: iso(command.context) },
  }];
};

export const decide = (command: MembershipCommand, state: MembershipState): readonly MembershipEvent[] => {
  switch (command.type) {
    case 'AddUser': return addUser(command, state);
    case 'ChangeMemberRole': return changeMemberRole(command, state);
    case 'RemoveMember': return removeMember(command, state);
    case 'AddServiceAccount': return addServiceAccount(command, state);
    case 'RemoveServiceAccount': return removeServiceAccount(command, state);
    default: return assertNever(command);
  }
};

const activeFor = (state: MembershipState, organizationId: string): ActiveMembership =>
  state.status === 'active'
    ? state
    : { status: 'active', organization_id: organizationId, members: new Map(), service_accounts: new Map(), used_ids: new Set() };

const withEntry = <V>(map: ReadonlyMap<string, V>, key: string, value: V): ReadonlyMap<string, V> => new Map(map).set(key, value);
const withoutEntry = <V>(map: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> => {
  const next = new Map(map);
  next.delete(key);
  return next;
};

export const evolve = (state: MembershipState, event: MembershipEvent): MembershipState => {
  const active = activeFor(state, event.data.organization_id);
  switch (event.type) {
    case 'UserAdded': {
      const { user_id, email, organization_role, added_at } = event.data;
      return {
        ...active,
        members: withEntry(active.members, user_id, { user_id, email, organization_role, added_at }),
        used_ids: new Set(active.used_ids).add(user_id),
      };
    }
    case 'MemberRoleChanged': {
      const member = active.members.get(event.data.member_id);
      if (!member) return active;
      return { ...active, members: withEntry(active.members, member.user_id, { ...member, organization_role: event.data.organization_role }) };
    }
    case 'MemberRemoved':
      return { ...active, members: withoutEntry(active.members, event.data.member_id) };
    case 'ServiceAccountCreated': {
      const { service_account_id, name, created_at } = event.data;
      return {
        ...active,
        service_accounts: withEntry(active.service_accounts, service_account_id, { service_account_id, name, created_at }),
        used_ids: new Set(active.used_ids).add(service_account_id),
      };
    }
    case 'ServiceAccountRemoved':
      return { ...active, service_accounts: withoutEntry(active.service_accounts, event.data.service_account_id) };
    default:
      return assertNever(event);
  }
};

export const initialState = (): MembershipState => ({ status: 'empty' });

export const membershipDecider: Decider<MembershipState, MembershipCommand, MembershipEvent> = Object.freeze({
  initialState,
  decide,
  evolve,
});
