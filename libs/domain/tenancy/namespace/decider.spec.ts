import { specFor, testContext } from '../../shared/given-when-then';
import { NamespaceEvent } from './events';
import { namespaceDecider } from './decider';

const spec = specFor(namespaceDecider);
const context = testContext();
const create = (organization_restricted = false) => ({
  type: 'CreateNamespace' as const,
  data: { namespace_id: 'ns_1', name: 'orders', project: 'commerce', environment: 'prod', organization_restricted },
  context,
});
const created: NamespaceEvent = {
  type: 'NamespaceCreated',
  data: { organization_id: 'org_test', namespace_id: 'ns_1', name: 'orders', project: 'commerce', environment: 'prod', description: '', created_at: context.now },
};
const deleted: NamespaceEvent = { type: 'NamespaceDeleted', data: { organization_id: 'org_test', name: 'orders', deleted_at: context.now } };

describe('namespace decider', () => {
  it('creates a namespace', () => spec([]).when(create()).then([created]));
  it('refuses a duplicate while the namespace is active', () => spec([created]).when(create()).thenFails('already_exists'));
  it('refuses provisioning for a billing-restricted organization', () => spec([]).when(create(true)).thenFails('billing_restricted'));
  it('deletes, and the name can be taken again afterwards', () => {
    spec([created]).when({ type: 'DeleteNamespace', data: {}, context }).then([deleted]);
    spec([created, deleted]).when(create()).then([created]);
  });
  it('cannot delete twice', () => spec([created, deleted]).when({ type: 'DeleteNamespace', data: {}, context }).thenFails('not_found'));
});
