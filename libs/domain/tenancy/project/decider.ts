import { assertNever, Decider } from '../../shared/decider';
import { alreadyExists, notFound } from '../../shared/errors';
import { assertDescription, assertDnsLabel } from '../names';
import { ProjectCommand } from './commands';
import { ProjectEvent } from './events';

export type ProjectState =
  | { readonly status: 'absent' }
  | { readonly status: 'active'; readonly id: string; readonly name: string; readonly description: string };

export const projectDecider: Decider<ProjectState, ProjectCommand, ProjectEvent> = {
  initialState: () => ({ status: 'absent' }),

  decide(command, state) {
    const organization_id = command.context.organization_id ?? '';
    switch (command.type) {
      case 'CreateProject': {
        if (state.status !== 'absent') throw alreadyExists(`project ${command.data.name}`, 'name');
        assertDnsLabel(command.data.name);
        const description = command.data.description ?? '';
        assertDescription(description);
        return [{ type: 'ProjectCreated', data: { organization_id, project_id: command.data.project_id, name: command.data.name, description, created_at: command.context.now } }];
      }
      case 'UpdateProject': {
        if (state.status !== 'active') throw notFound('project');
        assertDescription(command.data.description);
        if (command.data.description === state.description) return [];
        return [{ type: 'ProjectUpdated', data: { organization_id, name: state.name, description: command.data.description, updated_at: command.context.now } }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ProjectCreated':
        return { status: 'active', id: event.data.project_id, name: event.data.name, description: event.data.description };
      case 'ProjectUpdated':
        return state.status === 'active' ? { ...state, description: event.data.description } : state;
      default:
        return assertNever(event);
    }
  },
};
