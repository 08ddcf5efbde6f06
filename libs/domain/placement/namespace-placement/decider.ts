import { assertNever, Decider } from '../../shared/decider';
import { conflict, DomainError, invalid, notFound } from '../../shared/errors';
import { CommandContext } from '../../shared/event';
import { requireReason } from '../labels';
import { isRuntimeNamespace } from '../runtime-namespace';
import { NamespacePlacementCommand, PlacementLookups } from './commands';
import { NamespacePlacementEvent } from './events';

export type ProvisioningStatus = 'pending' | 'provisioned' | 'failed';

export interface Placement {
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly since: string;
  readonly provisioning: { readonly status: ProvisioningStatus; readonly detail: string | null };
}

export type NamespacePlacementState =
  | { readonly status: 'unplaced' }
  | {
      readonly status: 'placed';
      readonly organization_id: string;
      readonly namespace: string;
      readonly namespace_id: string;
      readonly current: Placement;
      /** Targets that served the namespace before, oldest first (in-flight runs may still live there). */
      readonly previous: readonly { readonly runtime_target_id: string; readonly runtime_namespace: string }[];
    };

const MAX_DETAIL = 500;
const truncate = (text: string) => (text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text);

const organizationOf = (context: CommandContext): string => {
  if (!context.organization_id) throw invalid('placement needs an organization');
  return context.organization_id;
};

/**
 * The rules both assignment and migration share: the namespace exists, the target is the
 * organization's own or a platform one (another organization's target is "not found", never
 * "forbidden"), and a billing-restricted organization cannot provision.
 */
function checkLookups(lookups: PlacementLookups, targetId: string, organizationId: string, runtimeNamespace: string) {
  if (!lookups.namespace) throw notFound('namespace');
  if (!lookups.target || lookups.target.id !== targetId) throw notFound('runtime target', 'runtime_target_id');
  if (lookups.target.organization_id !== null && lookups.target.organization_id !== organizationId) {
    throw notFound('runtime target', 'runtime_target_id');
  }
  if (!isRuntimeNamespace(runtimeNamespace)) throw invalid('runtime_namespace is not a valid runtime namespace name', 'runtime_namespace');
  if (lookups.organization_restricted) {
    throw new DomainError('billing_restricted', 'the organization is billing-restricted: namespace provisioning is paused');
  }
  return lookups.namespace;
}

export const namespacePlacementDecider: Decider<NamespacePlacementState, NamespacePlacementCommand, NamespacePlacementEvent> = Object.freeze({
  initialState: (): NamespacePlacementState => ({ status: 'unplaced' }),

  decide(command: NamespacePlacementCommand, state: NamespacePlacementState): readonly NamespacePlacementEvent[] {
    const now = command.context.now;
    switch (command.type) {
      case 'AssignRuntimeTarget': {
        const organization_id = organizationOf(command.context);
        const { runtime_target_id, runtime_namespace } = command.data;
        const namespace = checkLookups(command.data, runtime_target_id, organization_id, runtime_namespace);
        if (state.status === 'placed') {
          // Assigning the target it already has is a no-op (PUT is idempotent), or a new try after a failed provisioning;
          // anything else is a migration.
          if (state.current.runtime_target_id === runtime_target_id) {
            if (state.current.provisioning.status !== 'failed') return [];
            return [{
              type: 'NamespaceProvisioningRetried',
              data: {
                organization_id, namespace: state.namespace, namespace_id: state.namespace_id, runtime_target_id,
                runtime_namespace: state.current.runtime_namespace, retried_at: now,
              },
            }];
          }
          throw conflict('the namespace already has a runtime target; changing it is a migration (POST …/migrations)', 'runtime_target_id');
        }
        return [{
          type: 'NamespaceRuntimeTargetAssigned',
          data: { organization_id, namespace: namespace.name, namespace_id: namespace.id, runtime_target_id, runtime_namespace, assigned_at: now },
        }];
      }
      case 'MigrateNamespace': {
        const organization_id = organizationOf(command.context);
        const { to_runtime_target_id, runtime_namespace } = command.data;
        const reason = requireReason(command.data.reason);
        const namespace = checkLookups(command.data, to_runtime_target_id, organization_id, runtime_namespace);
        if (state.status !== 'placed') throw conflict('the namespace has no runtime target yet; assign one (PUT …/runtime-target)', 'to_runtime_target_id');
        if (state.current.runtime_target_id === to_runtime_target_id) throw conflict('the namespace is already on that runtime target', 'to_runtime_target_id');
        return [{
          type: 'NamespaceMigrated',
          data: {
            organization_id, namespace: namespace.name, namespace_id: namespace.id,
            from_runtime_target_id: state.current.runtime_target_id, from_runtime_namespace: state.current.runtime_namespace,
            to_runtime_target_id, to_runtime_namespace: runtime_namespace, reason, in_flight_runs: 'remain_on_previous_target', migrated_at: now,
          },
        }];
      }
      case 'RecordProvisioning': {
        if (state.status !== 'placed') throw notFound('namespace placement');
        const { runtime_target_id, runtime_namespace, outcome, attempts } = command.data;
        // A result for a target the namespace has left since is stale: nothing to record.
        if (state.current.runtime_target_id !== runtime_target_id || state.current.runtime_namespace !== runtime_namespace) return [];
        if (!Number.isSafeInteger(attempts) || attempts < 1) throw invalid('attempts must be a positive whole number', 'attempts');
        const facts = { organization_id: state.organization_id, namespace: state.namespace, namespace_id: state.namespace_id, runtime_target_id, runtime_namespace };
        switch (outcome.status) {
          case 'provisioned':
            if (state.current.provisioning.status === 'provisioned') return [];
            return [{ type: 'NamespaceProvisioned', data: { ...facts, created: outcome.created, attempts, provisioned_at: now } }];
          case 'failed':
            return [{
              type: 'NamespaceProvisioningFailed',
              data: { ...facts, reason: outcome.reason, detail: truncate(outcome.detail), attempts, failed_at: now },
            }];
          default:
            return assertNever(outcome);
        }
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state: NamespacePlacementState, event: NamespacePlacementEvent): NamespacePlacementState {
    switch (event.type) {
      case 'NamespaceRuntimeTargetAssigned': {
        const { organization_id, namespace, namespace_id, runtime_target_id, runtime_namespace, assigned_at } = event.data;
        return {
          status: 'placed', organization_id, namespace, namespace_id, previous: [],
          current: { runtime_target_id, runtime_namespace, since: assigned_at, provisioning: { status: 'pending', detail: null } },
        };
      }
      case 'NamespaceMigrated': {
        if (state.status !== 'placed') return state;
        const { to_runtime_target_id, to_runtime_namespace, migrated_at } = event.data;
        return {
          ...state,
          previous: [...state.previous, { runtime_target_id: state.current.runtime_target_id, runtime_namespace: state.current.runtime_namespace }],
          current: { runtime_target_id: to_runtime_target_id, runtime_namespace: to_runtime_namespace, since: migrated_at, provisioning: { status: 'pending', detail: null } },
        };
      }
      case 'NamespaceProvisioningRetried':
        return state.status === 'placed' ? { ...state, current: { ...state.current, provisioning: { status: 'pending', detail: null } } } : state;
      case 'NamespaceProvisioned':
        return state.status === 'placed' ? { ...state, current: { ...state.current, provisioning: { status: 'provisioned', detail: null } } } : state;
      case 'NamespaceProvisioningFailed':
        return state.status === 'placed'
          ? { ...state, current: { ...state.current, provisioning: { status: 'failed', detail: `${event.data.reason}: ${event.data.detail}` } } }
          : state;
      default:
        return assertNever(event);
    }
  },
});
