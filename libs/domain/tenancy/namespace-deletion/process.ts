import { ProcessDefinition, ProcessOutput, trackOutstanding } from '../../../process-manager/src/process';
import { NamespaceDeleted } from '../namespace/events';

/** What a deleted namespace left behind, found in the event streams at the time of the deletion. */
export interface NamespaceDependents {
  readonly namespace_id: string | null;
  readonly credentials: readonly { readonly credential_id: string; readonly runtime_target_id: string }[];
  readonly binding_ids: readonly string[];
  /** Every runtime namespace it claimed (its current target and those it migrated away from). */
  readonly placements: readonly { readonly runtime_target_id: string; readonly runtime_namespace: string }[];
}

export type NamespaceDeletionState =
  | { readonly status: 'idle' }
  | { readonly status: 'finding'; readonly namespace: string }
  | { readonly status: 'cleaning'; readonly namespace: string; readonly dependents: NamespaceDependents; readonly outstanding: readonly string[] };

/**
 * A deleted namespace leaves nothing usable behind: its runtime credentials are revoked on the target,
 * its runtime namespaces disabled there and then released for reuse, and the role bindings on it are
 * deleted, so a namespace created again under the same name inherits no access.
 */
export const namespaceDeletion = Object.freeze<ProcessDefinition<NamespaceDeletionState>>({
  name: 'namespace-deletion',
  reactsTo: ['NamespaceDeleted'],
  processId: (event) => (event.organizationId ? `${event.organizationId}:${event.id}` : null),
  initialState: (): NamespaceDeletionState => ({ status: 'idle' }),

  decide(input, state) {
    if (input.kind === 'event' && state.status === 'idle') {
      const { name } = input.data as NamespaceDeleted['data'];
      return [{ kind: 'effect', step: 'find', effect: 'find_namespace_dependents', params: { namespace: name, stream_id: input.stream_id, event_id: input.event_id, position: input.position } }];
    }
    if (state.status === 'finding' && input.kind === 'effect_succeeded') {
      const found = input.result as NamespaceDependents;
      const outputs: ProcessOutput[] = [
        ...found.credentials.map((c): ProcessOutput => ({ kind: 'effect', step: `revoke:${c.credential_id}`, effect: 'revoke_runtime_credential', params: c })),
        ...found.binding_ids.map((binding_id): ProcessOutput => ({ kind: 'effect', step: `unbind:${binding_id}`, effect: 'delete_role_binding', params: { binding_id } })),
        ...found.placements.map((p): ProcessOutput => ({
          kind: 'effect', step: `disable:${p.runtime_target_id}:${p.runtime_namespace}`, effect: 'disable_runtime_namespace', params: { ...p, namespace_id: found.namespace_id },
        })),
      ];
      return outputs.length > 0 ? outputs : [{ kind: 'complete' }];
    }
    if (input.kind === 'effect_failed') return [{ kind: 'fail', reason: `${input.step}: ${input.error.message}` }];
    if (state.status !== 'cleaning' || input.kind !== 'effect_succeeded') return [];
    // A runtime namespace is released for reuse only once it is disabled on its target.
    const released: ProcessOutput[] = input.step.startsWith('disable:')
      ? [{ kind: 'effect', step: `release:${input.step.slice('disable:'.length)}`, effect: 'release_runtime_namespace', params: input.result }]
      : [];
    const remaining = state.outstanding.filter((step) => step !== input.step);
    return released.length > 0 ? released : remaining.length === 0 ? [{ kind: 'complete' }] : [];
  },

  evolve(state, message) {
    if (message.kind === 'event' && state.status === 'idle') return { status: 'finding', namespace: (message.data as NamespaceDeleted['data']).name };
    if (state.status === 'finding' && message.kind === 'effect_succeeded') {
      return { status: 'cleaning', namespace: state.namespace, dependents: message.result as NamespaceDependents, outstanding: [] };
    }
    if (state.status === 'cleaning') return { ...state, outstanding: trackOutstanding(state.outstanding, message) };
    return state;
  },
});
