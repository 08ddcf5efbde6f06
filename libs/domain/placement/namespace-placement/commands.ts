import { DomainCommand } from '../../shared/event';

/**
 * What the handler looked up for the rules: the namespace (null when it does not exist in the
 * caller's organization), the target's owner (null target: no such target; owner null: a platform
 * target), and whether the organization is billing-restricted.
 */
export interface PlacementLookups {
  readonly namespace: { readonly name: string; readonly id: string } | null;
  readonly target: { readonly id: string; readonly organization_id: string | null } | null;
  readonly organization_restricted: boolean;
}

export type AssignRuntimeTarget = DomainCommand<'AssignRuntimeTarget', PlacementLookups & {
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
}>;

export type MigrateNamespace = DomainCommand<'MigrateNamespace', PlacementLookups & {
  readonly to_runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly reason: string;
}>;

export type ProvisioningOutcome =
  | { readonly status: 'provisioned'; readonly created: boolean }
  | { readonly status: 'failed'; readonly reason: string; readonly detail: string };

export type RecordProvisioning = DomainCommand<'RecordProvisioning', {
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly outcome: ProvisioningOutcome;
  readonly attempts: number;
}>;

export type NamespacePlacementCommand = AssignRuntimeTarget | MigrateNamespace | RecordProvisioning;
