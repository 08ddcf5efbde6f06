import { ProcessDefinition, ProcessOutput, trackOutstanding } from '../../../process-manager/src/process';
import { MemberRemoved, ServiceAccountRemoved } from '../membership/events';

export const REVOKED_WITH_PRINCIPAL = 'principal removed from the organization';

/** What the principal still held when it was removed, found in the event streams (not read models). */
export interface PrincipalGrants {
  readonly key_ids: readonly string[];
  readonly binding_ids: readonly string[];
}

export type PrincipalRemovalState =
  | { readonly status: 'idle' }
  | { readonly status: 'finding'; readonly principal_id: string }
  | { readonly status: 'revoking'; readonly principal_id: string; readonly outstanding: readonly string[] };

const principalOf = (type: string, data: unknown): string =>
  type === 'MemberRemoved' ? (data as MemberRemoved['data']).member_id : (data as ServiceAccountRemoved['data']).service_account_id;

/**
 * A removed user or service account loses every key and role binding it still holds: one revocation
 * and one unbinding per grant, each a command whose id derives from this process and step.
 */
export const principalRemoval = Object.freeze<ProcessDefinition<PrincipalRemovalState>>({
  name: 'principal-removal',
  reactsTo: ['MemberRemoved', 'ServiceAccountRemoved'],
  processId: (event) => (event.organizationId ? `${event.organizationId}:${principalOf(event.type, event.data)}` : null),
  initialState: (): PrincipalRemovalState => ({ status: 'idle' }),

  decide(input, state) {
    if (input.kind === 'event' && state.status === 'idle') {
      return [{ kind: 'effect', step: 'find', effect: 'find_principal_grants', params: { principal_id: principalOf(input.type, input.data) } }];
    }
    if (state.status === 'finding' && input.kind === 'effect_succeeded') {
      const grants = input.result as PrincipalGrants;
      const outputs: ProcessOutput[] = [
        ...grants.key_ids.map((key_id): ProcessOutput => ({ kind: 'effect', step: `revoke:${key_id}`, effect: 'revoke_api_key', params: { key_id, reason: REVOKED_WITH_PRINCIPAL } })),
        ...grants.binding_ids.map((binding_id): ProcessOutput => ({ kind: 'effect', step: `unbind:${binding_id}`, effect: 'delete_role_binding', params: { binding_id } })),
      ];
      return outputs.length > 0 ? outputs : [{ kind: 'complete' }];
    }
    if (input.kind === 'effect_failed') return [{ kind: 'fail', reason: `${input.step}: ${input.error.message}` }];
    if (state.status === 'revoking' && input.kind === 'effect_succeeded' && state.outstanding.length === 1 && state.outstanding[0] === input.step) {
      return [{ kind: 'complete' }];
    }
    return [];
  },

  evolve(state, message) {
    if (message.kind === 'event' && state.status === 'idle') return { status: 'finding', principal_id: principalOf(message.type, message.data) };
    if (state.status === 'finding' && message.kind === 'effect_succeeded') return { status: 'revoking', principal_id: state.principal_id, outstanding: [] };
    if (state.status === 'revoking') return { ...state, outstanding: trackOutstanding(state.outstanding, message) };
    return state;
  },
});
