import { assertNever, Decider } from '../../shared/decider';
import { alreadyExists, notFound } from '../../shared/errors';
import { assertDescription, assertDnsLabel } from '../names';
import { EnvironmentCommand } from './commands';
import { EnvironmentEvent } from './events';

export type EnvironmentState =
  | { readonly status: 'absent' }
  | { readonly status: 'active'; readonly id: string; readonly project: string; readonly name: string; readonly description: string };

export const environmentDecider: Decider<EnvironmentState, EnvironmentCommand, EnvironmentEvent> = {
  initialState: () => ({ status: 'absent' }),

  decide(command, state) {
    const organization_id = command.context.organization_id ?? '';
    switch (command.type) {
      case 'CreateEnvironment': {
        if (state.status !== 'absent') throw alreadyExists(`environment ${command.data.name}`, 'name');
        assertDnsLabel(command.data.name);
        const description = command.data.description ?? '';
        assertDescription(description);
        const { environment_id, project, name } = command.data;
        return [{ type: 'EnvironmentCreated', data: { organization_id, environment_id, project, name, description, created_at: command.context.now } }];
      }
      case 'UpdateEnvironment': {
        if (state.status !== 'active') throw notFound('environment');
        assertDescription(command.data.description);
        if (command.data.description === state.description) return [];
        return [{ type: 'EnvironmentUpdated', data: {
          organization_id, project: state.project, name: state.name, description: command.data.description, updated_at: command.context.now,
        } }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'EnvironmentCreated':
        return { status: 'active', id: event.data.environment_id, project: event.data.project, name: event.data.name, description: event.data.description };
      case 'EnvironmentUpdated':
        return state.status === 'active' ? { ...state, description: event.data.description } : state;
      default:
        return assertNever(event);
    }
  },
};
