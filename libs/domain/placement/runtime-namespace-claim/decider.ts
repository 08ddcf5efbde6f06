import { assertNever, Decider } from '../../shared/decider';
import { conflict, invalid } from '../../shared/errors';
import { DomainCommand, DomainEvent } from '../../shared/event';
import { isRuntimeNamespace } from '../runtime-namespace';

/**
 * Keeps runtime namespace names unique per target: each name is its own stream, claimed once by one
 * Cloud namespace (by id). Claiming it again for the same namespace is a no-op, so a namespace that
 * migrates back to a target gets its old runtime namespace again.
 */
export type ClaimRuntimeNamespace = DomainCommand<'ClaimRuntimeNamespace', {
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly namespace: string;
  readonly namespace_id: string;
}>;

export type RuntimeNamespaceClaimed = DomainEvent<'RuntimeNamespaceClaimed', {
  readonly organization_id: string;
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly namespace: string;
  readonly namespace_id: string;
  readonly claimed_at: string;
}>;

/** The namespace that held the name was deleted: the name is free for another claim on that target. */
export type ReleaseRuntimeNamespace = DomainCommand<'ReleaseRuntimeNamespace', {
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly namespace_id: string;
}>;

export type RuntimeNamespaceReleased = DomainEvent<'RuntimeNamespaceReleased', {
  readonly organization_id: string;
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly namespace_id: string;
  readonly released_at: string;
}>;

export type RuntimeNamespaceClaimCommand = ClaimRuntimeNamespace | ReleaseRuntimeNamespace;
export type RuntimeNamespaceClaimEvent = RuntimeNamespaceClaimed | RuntimeNamespaceReleased;

export type RuntimeNamespaceClaimState =
  | { readonly status: 'free' }
  | { readonly status: 'claimed'; readonly organization_id: string; readonly namespace_id: string };

export const runtimeNamespaceClaimDecider: Decider<RuntimeNamespaceClaimState, RuntimeNamespaceClaimCommand, RuntimeNamespaceClaimEvent> = Object.freeze({
  initialState: (): RuntimeNamespaceClaimState => ({ status: 'free' }),

  decide(command: RuntimeNamespaceClaimCommand, state: RuntimeNamespaceClaimState): readonly RuntimeNamespaceClaimEvent[] {
    switch (command.type) {
      case 'ReleaseRuntimeNamespace': {
        // Only the holder releases; releasing a free name, or one another namespace holds now, changes nothing.
        if (state.status !== 'claimed' || state.namespace_id !== command.data.namespace_id || state.organization_id !== command.context.organization_id) return [];
        const { runtime_target_id, runtime_namespace, namespace_id } = command.data;
        return [{
          type: 'RuntimeNamespaceReleased',
          data: { organization_id: state.organization_id, runtime_target_id, runtime_namespace, namespace_id, released_at: command.context.now },
        }];
      }
      case 'ClaimRuntimeNamespace': {
        const organization_id = command.context.organization_id;
        if (!organization_id) throw invalid('a runtime namespace is claimed for an organization');
        const { runtime_target_id, runtime_namespace, namespace, namespace_id } = command.data;
        if (!isRuntimeNamespace(runtime_namespace)) throw invalid('runtime_namespace is not a valid runtime namespace name', 'runtime_namespace');
        if (state.status === 'claimed') {
          if (state.organization_id === organization_id && state.namespace_id === namespace_id) return [];
          throw conflict(`runtime namespace ${runtime_namespace} is taken on that target`, 'runtime_namespace');
        }
        return [{
          type: 'RuntimeNamespaceClaimed',
          data: { organization_id, runtime_target_id, runtime_namespace, namespace, namespace_id, claimed_at: command.context.now },
        }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(_state: RuntimeNamespaceClaimState, event: RuntimeNamespaceClaimEvent): RuntimeNamespaceClaimState {
    switch (event.type) {
      case 'RuntimeNamespaceClaimed':
        return { status: 'claimed', organization_id: event.data.organization_id, namespace_id: event.data.namespace_id };
      case 'RuntimeNamespaceReleased':
        return { status: 'free' };
      default:
        return assertNever(event);
    }
  },
});
