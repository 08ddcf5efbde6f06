import { DomainEvent } from '../../shared/event';

interface PlacementFacts {
  readonly organization_id: string;
  readonly namespace: string;
  readonly namespace_id: string;
}

/** A namespace that had no runtime target got one. Provisioning on the target follows. */
export type NamespaceRuntimeTargetAssigned = DomainEvent<'NamespaceRuntimeTargetAssigned', PlacementFacts & {
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly assigned_at: string;
}>;

/** The runtime namespace exists on the target (created now, or found there already). */
export type NamespaceProvisioned = DomainEvent<'NamespaceProvisioned', PlacementFacts & {
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly created: boolean;
  readonly attempts: number;
  readonly provisioned_at: string;
}>;

export type NamespaceProvisioningFailed = DomainEvent<'NamespaceProvisioningFailed', PlacementFacts & {
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  /** `unreachable`, `timeout`, `http`, `invalid_response`. */
  readonly reason: string;
  readonly detail: string;
  readonly attempts: number;
  readonly failed_at: string;
}>;

/** Provisioning failed and the namespace was assigned to the same target again: it is tried anew. */
export type NamespaceProvisioningRetried = DomainEvent<'NamespaceProvisioningRetried', PlacementFacts & {
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly retried_at: string;
}>;

/**
 * A deliberate move to another runtime target. New commands go to the new target; runs already in
 * flight stay on the previous one (`in_flight_runs`), which is not drained or copied by Cloud.
 */
export type NamespaceMigrated = DomainEvent<'NamespaceMigrated', PlacementFacts & {
  readonly from_runtime_target_id: string;
  readonly from_runtime_namespace: string;
  readonly to_runtime_target_id: string;
  readonly to_runtime_namespace: string;
  readonly reason: string;
  readonly in_flight_runs: 'remain_on_previous_target';
  readonly migrated_at: string;
}>;

export type NamespacePlacementEvent =
  | NamespaceRuntimeTargetAssigned | NamespaceProvisioned | NamespaceProvisioningFailed | NamespaceProvisioningRetried | NamespaceMigrated;

export const NamespacePlacementEvent = Object.freeze({
  types: Object.freeze(['NamespaceRuntimeTargetAssigned', 'NamespaceProvisioned', 'NamespaceProvisioningFailed', 'NamespaceProvisioningRetried', 'NamespaceMigrated'] as const),
  is: (event: DomainEvent): event is NamespacePlacementEvent => (NamespacePlacementEvent.types as readonly string[]).includes(event.type),
});
