import { specFor, testContext } from '../../shared/given-when-then';
import { EnvironmentEvent } from './events';
import { environmentDecider } from './decider';

const spec = specFor(environmentDecider);
const context = testContext();
const created: EnvironmentEvent = {
  type: 'EnvironmentCreated',
  data: { organization_id: 'org_test', environment_id: 'env_1', project: 'commerce', name: 'prod', description: '', created_at: context.now },
};

describe('environment decider', () => {
  it('creates an environment in its project', () =>
    spec([]).when({ type: 'CreateEnvironment', data: { environment_id: 'env_1', project: 'commerce', name: 'prod' }, context }).then([created]));

  it('refuses a duplicate and a bad name', () => {
    spec([created]).when({ type: 'CreateEnvironment', data: { environment_id: 'env_2', project: 'commerce', name: 'prod' }, context }).thenFails('already_exists');
    spec([]).when({ type: 'CreateEnvironment', data: { environment_id: 'env_2', project: 'commerce', name: 'Prod' }, context }).thenFails('invalid');
  });

  it('refuses an over-long description', () =>
    spec([created]).when({ type: 'UpdateEnvironment', data: { description: 'x'.repeat(501) }, context }).thenFails('invalid'));
});
