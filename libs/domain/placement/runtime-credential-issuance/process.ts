import { ProcessDefinition } from '../../../process-manager/src/process';
import { RuntimeCredentialAbandoned, RuntimeCredentialRequested } from '../runtime-credential/events';

export type CredentialIssuanceState =
  | { readonly status: 'idle' }
  | { readonly status: 'awaiting_outcome'; readonly credential_id: string; readonly runtime_target_id: string }
  | { readonly status: 'revoking'; readonly credential_id: string; readonly runtime_target_id: string }
  | { readonly status: 'done' };

/**
 * The request that issues a runtime credential records its intent, creates it on the target and
 * records the outcome. If the outcome is missing by the intent's `abandon_at` (the request crashed), or
 * the request gave up, the request is recorded abandoned and whatever the target created is revoked,
 * so no live credential exists there that Cloud does not list.
 */
export const runtimeCredentialIssuance = Object.freeze<ProcessDefinition<CredentialIssuanceState>>({
  name: 'runtime-credential-issuance',
  reactsTo: ['RuntimeCredentialRequested', 'RuntimeCredentialIssued', 'RuntimeCredentialAbandoned'],
  processId: (event) => {
    const { credential_id } = event.data as { credential_id?: string };
    return event.organizationId && credential_id ? `${event.organizationId}:${credential_id}` : null;
  },
  initialState: (): CredentialIssuanceState => ({ status: 'idle' }),

  decide(input, state) {
    if (input.kind === 'event' && input.type === 'RuntimeCredentialRequested' && state.status === 'idle') {
      return [{ kind: 'timer', step: 'abandon', at: (input.data as RuntimeCredentialRequested['data']).abandon_at }];
    }
    if (state.status !== 'awaiting_outcome') {
      if (state.status === 'revoking' && input.kind === 'effect_succeeded') return [{ kind: 'complete' }];
      if (state.status === 'revoking' && input.kind === 'effect_failed') return [{ kind: 'fail', reason: `could not revoke on the target: ${input.error.message}` }];
      return [];
    }
    if (input.kind === 'event' && input.type === 'RuntimeCredentialIssued') return [{ kind: 'cancel_timer', step: 'abandon' }, { kind: 'complete' }];
    if (input.kind === 'event' && input.type === 'RuntimeCredentialAbandoned') {
      const { credential_id } = input.data as RuntimeCredentialAbandoned['data'];
      return [
        { kind: 'cancel_timer', step: 'abandon' },
        { kind: 'effect', step: 'revoke', effect: 'revoke_runtime_credential_on_target', params: { credential_id, runtime_target_id: state.runtime_target_id } },
      ];
    }
    if (input.kind === 'timer_fired') {
      return [{ kind: 'effect', step: 'abandon', effect: 'abandon_runtime_credential', params: { credential_id: state.credential_id, reason: 'no outcome was recorded in time' } }];
    }
    if (input.kind === 'effect_failed') return [{ kind: 'fail', reason: `could not record the request abandoned: ${input.error.message}` }];
    return [];
  },

  evolve(state, message) {
    if (message.kind === 'event' && message.type === 'RuntimeCredentialRequested' && state.status === 'idle') {
      const d = message.data as RuntimeCredentialRequested['data'];
      return { status: 'awaiting_outcome', credential_id: d.credential_id, runtime_target_id: d.runtime_target_id };
    }
    if (state.status === 'awaiting_outcome' && message.kind === 'effect' && message.step === 'revoke') return { ...state, status: 'revoking' };
    if (message.kind === 'complete') return { status: 'done' };
    return state;
  },
});
