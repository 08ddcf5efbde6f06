import { specFor, testContext } from '../../shared/given-when-then';
import { ProjectEvent } from './events';
import { projectDecider } from './decider';

const spec = specFor(projectDecider);
const context = testContext();
const created: ProjectEvent = { type: 'ProjectCreated', data: { organization_id: 'org_test', project_id: 'prj_1', name: 'commerce', description: '', created_at: context.now } };

describe('project decider', () => {
  it('creates a project with a DNS-label name', () =>
    spec([]).when({ type: 'CreateProject', data: { project_id: 'prj_1', name: 'commerce' }, context }).then([created]));

  it('refuses a second project of the same name', () =>
    spec([created]).when({ type: 'CreateProject', data: { project_id: 'prj_2', name: 'commerce' }, context }).thenFails('already_exists'));

  it.each(['Commerce', '-a', 'a-', 'a'.repeat(64), '', 'a_b'])('refuses the name %j', (name) =>
    spec([]).when({ type: 'CreateProject', data: { project_id: 'prj_1', name }, context }).thenFails('invalid', /DNS label/));

  it('updates the description, and a no-op update records nothing', () => {
    spec([created]).when({ type: 'UpdateProject', data: { description: 'shop' }, context }).then([
      { type: 'ProjectUpdated', data: { organization_id: 'org_test', name: 'commerce', description: 'shop', updated_at: context.now } },
    ]);
    spec([created]).when({ type: 'UpdateProject', data: { description: '' }, context }).then([]);
  });

  it('cannot update a project that does not exist', () =>
    spec([]).when({ type: 'UpdateProject', data: { description: 'x' }, context }).thenFails('not_found'));
});
