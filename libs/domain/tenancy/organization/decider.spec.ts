import { specFor, testContext } from '../../shared/given-when-then';
import { OrganizationEvent } from './events';
import { organizationDecider } from './decider';

const spec = specFor(organizationDecider);
const context = testContext();
const created: OrganizationEvent = { type: 'OrganizationCreated', data: { organization_id: 'org_test', name: 'Acme', created_at: context.now } };
const restricted: OrganizationEvent = { type: 'OrganizationBillingRestricted', data: { organization_id: 'org_test', reason: 'overdue', restricted_at: context.now } };

describe('organization decider', () => {
  it('creates an organization with a trimmed display name', () =>
    spec([]).when({ type: 'CreateOrganization', data: { organization_id: 'org_test', name: '  Acme ' }, context }).then([created]));

  it('refuses an empty name', () =>
    spec([]).when({ type: 'CreateOrganization', data: { organization_id: 'org_test', name: '   ' }, context }).thenFails('invalid', /name/));

  it('restricts with a reason, and restricting again records nothing', () => {
    spec([created]).when({ type: 'SetBillingRestriction', data: { restricted: true, reason: 'overdue' }, context }).then([restricted]);
    spec([created, restricted]).when({ type: 'SetBillingRestriction', data: { restricted: true, reason: 'again' }, context }).then([]);
    spec([created]).when({ type: 'SetBillingRestriction', data: { restricted: true, reason: '' }, context }).thenFails('invalid');
  });

  it('lifts a restriction', () =>
    spec([created, restricted]).when({ type: 'SetBillingRestriction', data: { restricted: false, reason: 'paid' }, context }).then([
      { type: 'OrganizationBillingRestrictionLifted', data: { organization_id: 'org_test', reason: 'paid', lifted_at: context.now } },
    ]));
});
