import { fold } from '../../shared/decider';
import { Actor } from '../../shared/event';
import { specFor, testContext } from '../../shared/given-when-then';
import { MembershipCommand } from './commands';
import { membershipDecider, membershipStream, ownerCount, principalOf, principalsOf } from './decider';
import { MembershipEvent, UserAdded } from './events';

const ORG = 'org_test';
const NOW = '2026-05-01T00:00:00.000Z';
const EARLIER = '2026-04-01T00:00:00.000Z';

const operator: Actor = { id: 'op', kind: 'operator' };
const owner: Actor = { id: 'usr_owner', kind: 'user' };
const admin: Actor = { id: 'usr_admin', kind: 'user' };
const member: Actor = { id: 'usr_member', kind: 'user' };
const robot: Actor = { id: 'sa_ci', kind: 'service_account' };

const given = specFor(membershipDecider);
const ctx = (actor: Actor = owner) => testContext({ actor, now: NOW });

const userAdded = (user_id: string, email: string, organization_role: UserAdded['data']['organization_role']): MembershipEvent => ({
  type: 'UserAdded',
  data: { organization_id: ORG, user_id, email, organization_role, added_at: EARLIER },
});
const saCreated = (service_account_id: string, name: string): MembershipEvent => ({
  type: 'ServiceAccountCreated',
  data: { organization_id: ORG, service_account_id, name, created_at: EARLIER },
});

/** An organization with one owner, one admin, one member and one service account. */
const organization: readonly MembershipEvent[] = [
  userAdded('usr_owner', 'owner@example.com', 'owner'),
  userAdded('usr_admin', 'admin@example.com', 'admin'),
  userAdded('usr_member', 'member@example.com', 'member'),
  saCreated('sa_ci', 'ci-bot'),
];
const twoOwners: readonly MembershipEvent[] = [...organization, userAdded('usr_owner2', 'owner2@example.com', 'owner')];

const addUser = (user_id: string, email: string, organization_role: string, actor: Actor = owner): MembershipCommand =>
  ({ type: 'AddUser', data: { user_id, email, organization_role }, context: ctx(actor) });
const changeRole = (member_id: string, organization_role: string, actor: Actor = owner): MembershipCommand =>
  ({ type: 'ChangeMemberRole', data: { member_id, organization_role }, context: ctx(actor) });
const removeMember = (member_id: string, actor: Actor = owner): MembershipCommand =>
  ({ type: 'RemoveMember', data: { member_id }, context: ctx(actor) });
const addServiceAccount = (service_account_id: string, name: string, actor: Actor = admin): MembershipCommand =>
  ({ type: 'AddServiceAccount', data: { service_account_id, name }, context: ctx(actor) });
const removeServiceAccount = (service_account_id: string, actor: Actor = admin): MembershipCommand =>
  ({ type: 'RemoveServiceAccount', data: { service_account_id }, context: ctx(actor) });

describe('membership stream', () => {
  it('is named per organization', () => {
    expect(membershipStream('org_1')).toBe('membership-org_1');
  });
});

describe('AddUser', () => {
  it('bootstraps an organization with its first owner (platform operator)', () => {
    given([]).when(addUser('usr_owner', '  Owner@Example.COM ', 'owner', operator)).then([{
      type: 'UserAdded',
      data: { organization_id: ORG, user_id: 'usr_owner', email: 'owner@example.com', organization_role: 'owner', added_at: NOW },
    }]);
  });

  it('requires the first member to be an owner', () => {
    given([]).when(addUser('usr_1', 'a@example.com', 'admin', operator)).thenFails('conflict', /first member/);
  });

  it('refuses a bootstrap owner from a user, who cannot be an owner of an empty organization', () => {
    given([]).when(addUser('usr_1', 'a@example.com', 'owner', owner)).thenFails('forbidden');
  });

  it.each(['admin', 'finance', 'member'])('lets an admin add a %s', (role) => {
    given(organization).when(addUser('usr_new', 'new@example.com', role, admin)).then([{
      type: 'UserAdded',
      data: { organization_id: ORG, user_id: 'usr_new', email: 'new@example.com', organization_role: role as UserAdded['data']['organization_role'], added_at: NOW },
    }]);
  });

  it('lets an owner add an owner', () => {
    given(organization).when(addUser('usr_new', 'new@example.com', 'owner', owner)).then([{
      type: 'UserAdded',
      data: { organization_id: ORG, user_id: 'usr_new', email: 'new@example.com', organization_role: 'owner', added_at: NOW },
    }]);
  });

  it.each([['an admin', admin], ['a member', member], ['a service account', robot]])('refuses an owner added by %s', (_, actor) => {
    given(organization).when(addUser('usr_new', 'new@example.com', 'owner', actor)).thenFails('forbidden', /owner/);
  });

  it('refuses a duplicate email, compared after normalization', () => {
    given(organization).when(addUser('usr_new', 'ADMIN@example.com ', 'member')).thenFails('already_exists', /email/);
  });

  it('accepts an email again after its member was removed (with a new id)', () => {
    const removed: MembershipEvent = {
      type: 'MemberRemoved',
      data: { organization_id: ORG, member_id: 'usr_member', email: 'member@example.com', organization_role: 'member', removed_at: EARLIER },
    };
    given([...organization, removed]).when(addUser('usr_member2', 'member@example.com', 'member')).then([{
      type: 'UserAdded',
      data: { organization_id: ORG, user_id: 'usr_member2', email: 'member@example.com', organization_role: 'member', added_at: NOW },
    }]);
  });

  it('never reuses a principal id, even a removed one, so leftover bindings and keys cannot be inherited', () => {
    const removed: MembershipEvent = {
      type: 'MemberRemoved',
      data: { organization_id: ORG, member_id: 'usr_member', email: 'member@example.com', organization_role: 'member', removed_at: EARLIER },
    };
    given([...organization, removed]).when(addUser('usr_member', 'other@example.com', 'member')).thenFails('already_exists');
  });

  it('refuses a user id that a service account holds', () => {
    given(organization).when(addUser('sa_ci', 'x@example.com', 'member')).thenFails('already_exists');
  });

  it.each(['', 'no-at-sign', 'two@@example.com', 'a b@example.com', 'user@localhost', `${'x'.repeat(65)}@example.com`, `a@${'x'.repeat(250)}.com`])(
    'refuses the email %j',
    (email) => given(organization).when(addUser('usr_new', email, 'member')).thenFails('invalid', /email/),
  );

  it.each(['superuser', 'Owner', '', 'viewer'])('refuses the organization role %j', (role) => {
    given(organization).when(addUser('usr_new', 'new@example.com', role)).thenFails('invalid', /organization_role/);
  });

  it('refuses a malformed user id', () => {
    given(organization).when(addUser('usr new', 'new@example.com', 'member')).thenFails('invalid', /user_id/);
  });

  it('refuses a command without an organization', () => {
    given(organization)
      .when({ type: 'AddUser', data: { user_id: 'usr_new', email: 'new@example.com', organization_role: 'member' }, context: testContext({ organization_id: null }) })
      .thenFails('invalid');
  });

  it('answers not_found when the state belongs to another organization', () => {
    given(organization)
      .when({ type: 'AddUser', data: { user_id: 'usr_new', email: 'new@example.com', organization_role: 'member' }, context: testContext({ organization_id: 'org_other' }) })
      .thenFails('not_found');
  });
});

describe('ChangeMemberRole', () => {
  it('changes a role and records the previous one', () => {
    given(organization).when(changeRole('usr_member', 'finance', admin)).then([{
      type: 'MemberRoleChanged',
      data: { organization_id: ORG, member_id: 'usr_member', organization_role: 'finance', previous_role: 'member', changed_at: NOW },
    }]);
  });

  it('is a no-op when the role is unchanged', () => {
    given(organization).when(changeRole('usr_admin', 'admin')).then([]);
  });

  it('cannot demote the last owner', () => {
    given(organization).when(changeRole('usr_owner', 'admin', owner)).thenFails('conflict', /last owner/);
    given(organization).when(changeRole('usr_owner', 'member', operator)).thenFails('conflict', /last owner/);
  });

  it('lets an owner demote an owner while another owner remains', () => {
    given(twoOwners).when(changeRole('usr_owner', 'admin', owner)).then([{
      type: 'MemberRoleChanged',
      data: { organization_id: ORG, member_id: 'usr_owner', organization_role: 'admin', previous_role: 'owner', changed_at: NOW },
    }]);
  });

  it('lets an owner promote to owner', () => {
    given(organization).when(changeRole('usr_admin', 'owner', owner)).then([{
      type: 'MemberRoleChanged',
      data: { organization_id: ORG, member_id: 'usr_admin', organization_role: 'owner', previous_role: 'admin', changed_at: NOW },
    }]);
  });

  it('does not let an admin grant the owner role, not even to itself', () => {
    given(organization).when(changeRole('usr_member', 'owner', admin)).thenFails('forbidden');
    given(organization).when(changeRole('usr_admin', 'owner', admin)).thenFails('forbidden');
  });

  it('does not let an admin demote an owner', () => {
    given(twoOwners).when(changeRole('usr_owner2', 'member', admin)).thenFails('forbidden');
  });

  it('does not let a service account manage owners', () => {
    given(organization).when(changeRole('usr_member', 'owner', robot)).thenFails('forbidden');
  });

  it('answers not_found for an unknown or removed member', () => {
    given(organization).when(changeRole('usr_nobody', 'admin')).thenFails('not_found');
    const removed: MembershipEvent = {
      type: 'MemberRemoved',
      data: { organization_id: ORG, member_id: 'usr_member', email: 'member@example.com', organization_role: 'member', removed_at: EARLIER },
    };
    given([...organization, removed]).when(changeRole('usr_member', 'admin')).thenFails('not_found');
  });

  it('refuses to give a service account an organization role', () => {
    given(organization).when(changeRole('sa_ci', 'admin')).thenFails('invalid', /service account/);
  });

  it('refuses an unknown role', () => {
    given(organization).when(changeRole('usr_member', 'root')).thenFails('invalid', /organization_role/);
  });

  it('refuses commands on an organization without members', () => {
    given([]).when(changeRole('usr_member', 'admin')).thenFails('conflict');
  });
});

describe('RemoveMember', () => {
  it('removes a member, recording its email and last role', () => {
    given(organization).when(removeMember('usr_member', admin)).then([{
      type: 'MemberRemoved',
      data: { organization_id: ORG, member_id: 'usr_member', email: 'member@example.com', organization_role: 'member', removed_at: NOW },
    }]);
  });

  it('cannot remove the last owner, whoever asks', () => {
    given(organization).when(removeMember('usr_owner', owner)).thenFails('conflict', /last owner/);
    given(organization).when(removeMember('usr_owner', operator)).thenFails('conflict', /last owner/);
  });

  it('lets an owner remove another owner, or itself, while an owner remains', () => {
    given(twoOwners).when(removeMember('usr_owner2', owner)).then([{
      type: 'MemberRemoved',
      data: { organization_id: ORG, member_id: 'usr_owner2', email: 'owner2@example.com', organization_role: 'owner', removed_at: NOW },
    }]);
    given(twoOwners).when(removeMember('usr_owner', owner)).then([{
      type: 'MemberRemoved',
      data: { organization_id: ORG, member_id: 'usr_owner', email: 'owner@example.com', organization_role: 'owner', removed_at: NOW },
    }]);
  });

  it('does not let an admin remove an owner', () => {
    given(twoOwners).when(removeMember('usr_owner2', admin)).thenFails('forbidden');
  });

  it('answers not_found for an unknown member and for a second removal', () => {
    given(organization).when(removeMember('usr_nobody')).thenFails('not_found');
    const removed: MembershipEvent = {
      type: 'MemberRemoved',
      data: { organization_id: ORG, member_id: 'usr_member', email: 'member@example.com', organization_role: 'member', removed_at: EARLIER },
    };
    given([...organization, removed]).when(removeMember('usr_member')).thenFails('not_found');
  });

  it('points service accounts to their own command', () => {
    given(organization).when(removeMember('sa_ci')).thenFails('invalid', /service-account/);
  });
});

describe('AddServiceAccount', () => {
  it('creates a service account', () => {
    given(organization).when(addServiceAccount('sa_deploy', 'deploy-bot')).then([{
      type: 'ServiceAccountCreated',
      data: { organization_id: ORG, service_account_id: 'sa_deploy', name: 'deploy-bot', created_at: NOW },
    }]);
  });

  it.each(['a', '0', 'a-b', 'ci-bot-2', 'x'.repeat(63), '9to5'])('accepts the DNS label %j', (name) => {
    given(organization).when(addServiceAccount('sa_new', name)).then([{
      type: 'ServiceAccountCreated',
      data: { organization_id: ORG, service_account_id: 'sa_new', name, created_at: NOW },
    }]);
  });

  it.each(['', '-bot', 'bot-', 'Bot', 'ci_bot', 'ci bot', 'ci.bot', 'x'.repeat(64), 'bøt'])('refuses the name %j', (name) => {
    given(organization).when(addServiceAccount('sa_new', name)).thenFails('invalid', /name/);
  });

  it('refuses a duplicate name within the organization', () => {
    given(organization).when(addServiceAccount('sa_other', 'ci-bot')).thenFails('already_exists', /name/);
  });

  it('accepts a name again once its service account was removed', () => {
    const removed: MembershipEvent = {
      type: 'ServiceAccountRemoved',
      data: { organization_id: ORG, service_account_id: 'sa_ci', name: 'ci-bot', removed_at: EARLIER },
    };
    given([...organization, removed]).when(addServiceAccount('sa_ci2', 'ci-bot')).then([{
      type: 'ServiceAccountCreated',
      data: { organization_id: ORG, service_account_id: 'sa_ci2', name: 'ci-bot', created_at: NOW },
    }]);
  });

  it('refuses an id any principal ever held', () => {
    given(organization).when(addServiceAccount('usr_member', 'x')).thenFails('already_exists');
    const removed: MembershipEvent = {
      type: 'ServiceAccountRemoved',
      data: { organization_id: ORG, service_account_id: 'sa_ci', name: 'ci-bot', removed_at: EARLIER },
    };
    given([...organization, removed]).when(addServiceAccount('sa_ci', 'other')).thenFails('already_exists');
  });

  it('needs an organization with an owner', () => {
    given([]).when(addServiceAccount('sa_new', 'bot')).thenFails('conflict');
  });
});

describe('RemoveServiceAccount', () => {
  it('removes a service account', () => {
    given(organization).when(removeServiceAccount('sa_ci')).then([{
      type: 'ServiceAccountRemoved',
      data: { organization_id: ORG, service_account_id: 'sa_ci', name: 'ci-bot', removed_at: NOW },
    }]);
  });

  it('answers not_found for an unknown service account or a user id', () => {
    given(organization).when(removeServiceAccount('sa_nobody')).thenFails('not_found');
    given(organization).when(removeServiceAccount('usr_member')).thenFails('not_found');
  });
});

describe('state queries', () => {
  it('resolves principals with their kind and organization role', () => {
    const state = fold(membershipDecider, [
      ...twoOwners,
      { type: 'MemberRoleChanged', data: { organization_id: ORG, member_id: 'usr_member', organization_role: 'finance', previous_role: 'member', changed_at: NOW } },
      { type: 'MemberRemoved', data: { organization_id: ORG, member_id: 'usr_admin', email: 'admin@example.com', organization_role: 'admin', removed_at: NOW } },
    ]);
    expect(principalOf(state, 'usr_member')).toEqual({ id: 'usr_member', kind: 'user', organization_role: 'finance' });
    expect(principalOf(state, 'sa_ci')).toEqual({ id: 'sa_ci', kind: 'service_account', organization_role: null });
    expect(principalOf(state, 'usr_admin')).toBeNull();
    expect(principalOf(state, 'constructor')).toBeNull();
    expect(ownerCount(state)).toBe(2);
    expect(principalsOf(state).map((p) => p.id)).toEqual(['usr_owner', 'usr_member', 'usr_owner2', 'sa_ci']);
  });

  it('knows nobody in an empty organization', () => {
    const state = membershipDecider.initialState();
    expect(principalOf(state, 'usr_owner')).toBeNull();
    expect(principalsOf(state)).toEqual([]);
  });
});
