import { assertNever, Decider } from '../../shared/decider';
import { alreadyExists, invalid, notFound } from '../../shared/errors';
import { OrganizationCommand } from './commands';
import { OrganizationEvent } from './events';

export type OrganizationState =
  | { readonly status: 'absent' }
  | { readonly status: 'active'; readonly id: string; readonly name: string; readonly restricted: boolean; readonly restriction_reason: string | null };

const MAX_NAME = 100;

export const organizationDecider: Decider<OrganizationState, OrganizationCommand, OrganizationEvent> = {
  initialState: () => ({ status: 'absent' }),

  decide(command, state) {
    switch (command.type) {
      case 'CreateOrganization': {
        if (state.status !== 'absent') throw alreadyExists('organization');
        const name = command.data.name.trim();
        // eslint-disable-next-line no-control-regex -- refusing control characters in a name is the point
        if (name.length === 0 || name.length > MAX_NAME || /[\u0000-\u001f]/.test(name)) {
          throw invalid(`name must be 1-${MAX_NAME} printable characters`, 'name');
        }
        return [{ type: 'OrganizationCreated', data: { organization_id: command.data.organization_id, name, created_at: command.context.now } }];
      }
      case 'SetBillingRestriction': {
        if (state.status !== 'active') throw notFound('organization');
        const reason = command.data.reason.trim();
        if (command.data.restricted && reason.length === 0) throw invalid('reason is required when restricting an organization', 'reason');
        if (command.data.restricted === state.restricted) return [];
        return command.data.restricted
          ? [{ type: 'OrganizationBillingRestricted', data: { organization_id: state.id, reason, restricted_at: command.context.now } }]
          : [{ type: 'OrganizationBillingRestrictionLifted', data: { organization_id: state.id, reason, lifted_at: command.context.now } }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'OrganizationCreated':
        return { status: 'active', id: event.data.organization_id, name: event.data.name, restricted: false, restriction_reason: null };
      case 'OrganizationBillingRestricted':
        return state.status === 'active' ? { ...state, restricted: true, restriction_reason: event.data.reason } : state;
      case 'OrganizationBillingRestrictionLifted':
        return state.status === 'active' ? { ...state, restricted: false, restriction_reason: null } : state;
      default:
        return assertNever(event);
    }
  },
};
