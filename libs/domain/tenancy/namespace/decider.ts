import { assertNever, Decider } from '../../shared/decider';
import { alreadyExists, DomainError, notFound } from '../../shared/errors';
import { assertDescription, assertDnsLabel } from '../names';
import { NamespaceCommand } from './commands';
import { NamespaceEvent } from './events';

export type NamespaceState =
  | { readonly status: 'absent' }
  | { readonly status: 'deleted'; readonly name: string }
  | {
      readonly status: 'active'; readonly id: string; readonly name: string; readonly project: string;
      readonly environment: string; readonly description: string;
    };

export const namespaceDecider: Decider<NamespaceState, NamespaceCommand, NamespaceEvent> = {
  initialState: () => ({ status: 'absent' }),

  decide(command, state) {
    const organization_id = command.context.organization_id ?? '';
    switch (command.type) {
      case 'CreateNamespace': {
        if (state.status === 'active') throw alreadyExists(`namespace ${command.data.name}`, 'name');
        assertDnsLabel(command.data.name);
        if (command.data.organization_restricted) {
          throw new DomainError('billing_restricted', 'the organization is billing-restricted: namespace provisioning is paused');
        }
        const description = command.data.description ?? '';
        assertDescription(description);
        const { namespace_id, name, project, environment } = command.data;
        return [{ type: 'NamespaceCreated', data: { organization_id, namespace_id, name, project, environment, description, created_at: command.context.now } }];
      }
      case 'UpdateNamespace': {
        if (state.status !== 'active') throw notFound('namespace');
        assertDescription(command.data.description);
        if (command.data.description === state.description) return [];
        return [{ type: 'NamespaceUpdated', data: { organization_id, name: state.name, description: command.data.description, updated_at: command.context.now } }];
      }
      case 'DeleteNamespace': {
        if (state.status !== 'active') throw notFound('namespace');
        return [{ type: 'NamespaceDeleted', data: { organization_id, name: state.name, deleted_at: command.context.now } }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'NamespaceCreated': {
        const { namespace_id: id, name, project, environment, description } = event.data;
        return { status: 'active', id, name, project, environment, description };
      }
      case 'NamespaceUpdated':
        return state.status === 'active' ? { ...state, description: event.data.description } : state;
      case 'NamespaceDeleted':
        return { status: 'deleted', name: event.data.name };
      default:
        return assertNever(event);
    }
  },
};
