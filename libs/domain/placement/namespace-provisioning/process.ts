import { ProcessDefinition, ProcessInput, RetryPolicy } from '../../../process-manager/src/process';
import { NamespaceMigrated, NamespaceProvisioningRetried, NamespaceRuntimeTargetAssigned } from '../namespace-placement/events';

/** What provisioning needs to know of an assignment or a migration. */
export interface ProvisioningTarget {
  readonly organization_id: string;
  readonly namespace: string;
  readonly namespace_id: string;
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
}

export type NamespaceProvisioningState =
  | { readonly status: 'idle' }
  | { readonly status: 'provisioning'; readonly target: ProvisioningTarget }
  | { readonly status: 'recording'; readonly target: ProvisioningTarget };

/** A few quick tries: the request that assigned waits a short bound for the outcome. */
export const PROVISIONING_RETRY: RetryPolicy = Object.freeze({ maxAttempts: 3, initialDelayMs: 150, maxDelayMs: 2000 });

const targetOf = (input: Extract<ProcessInput, { kind: 'event' }>): ProvisioningTarget => {
  if (input.type === 'NamespaceMigrated') {
    const d = input.data as NamespaceMigrated['data'];
    return { organization_id: d.organization_id, namespace: d.namespace, namespace_id: d.namespace_id, runtime_target_id: d.to_runtime_target_id, runtime_namespace: d.to_runtime_namespace };
  }
  const d = input.data as NamespaceRuntimeTargetAssigned['data'] | NamespaceProvisioningRetried['data'];
  return { organization_id: d.organization_id, namespace: d.namespace, namespace_id: d.namespace_id, runtime_target_id: d.runtime_target_id, runtime_namespace: d.runtime_namespace };
};

/**
 * Each assignment and each migration creates the runtime namespace on its target (retried with
 * backoff), then records the outcome on the placement: provisioned, or failed with the reason.
 */
export const namespaceProvisioning = Object.freeze<ProcessDefinition<NamespaceProvisioningState>>({
  name: 'namespace-provisioning',
  reactsTo: ['NamespaceRuntimeTargetAssigned', 'NamespaceProvisioningRetried', 'NamespaceMigrated'],
  processId: (event) => (event.organizationId ? `${event.organizationId}:${event.id}` : null),
  initialState: (): NamespaceProvisioningState => ({ status: 'idle' }),

  decide(input, state) {
    if (input.kind === 'event' && state.status === 'idle') {
      return [{ kind: 'effect', step: 'ensure', effect: 'ensure_runtime_namespace', params: targetOf(input), retry: PROVISIONING_RETRY }];
    }
    if (state.status === 'provisioning' && input.kind === 'effect_succeeded' && input.step === 'ensure') {
      const { created } = input.result as { created: boolean };
      return [{ kind: 'effect', step: 'record', effect: 'record_provisioning', params: { ...state.target, outcome: { status: 'provisioned', created }, attempts: input.attempts } }];
    }
    if (state.status === 'provisioning' && input.kind === 'effect_failed' && input.step === 'ensure') {
      const outcome = { status: 'failed', reason: input.error.code ?? 'internal_error', detail: input.error.message };
      return [{ kind: 'effect', step: 'record', effect: 'record_provisioning', params: { ...state.target, outcome, attempts: input.attempts } }];
    }
    if (state.status === 'recording' && input.kind === 'effect_succeeded') return [{ kind: 'complete' }];
    if (state.status === 'recording' && input.kind === 'effect_failed') return [{ kind: 'fail', reason: `the outcome could not be recorded: ${input.error.message}` }];
    return [];
  },

  evolve(state, message) {
    if (message.kind === 'event' && state.status === 'idle') return { status: 'provisioning', target: targetOf(message) };
    if (message.kind === 'effect' && message.step === 'record' && state.status === 'provisioning') return { status: 'recording', target: state.target };
    return state;
  },
});
