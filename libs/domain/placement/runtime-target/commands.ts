import { DomainCommand } from '../../shared/event';
import { SealedSecret } from './sealed-secret';

/**
 * The handler verifies the target through its cluster info before deciding (I/O stays out of the
 * decider), seals the credential and generates the ingest token; the command carries the results.
 */
export type RegisterRuntimeTarget = DomainCommand<'RegisterRuntimeTarget', {
  readonly runtime_target_id: string;
  /** Null: a platform target, registered by the operator. */
  readonly owner_organization_id: string | null;
  readonly name: string;
  readonly base_url: string;
  readonly region: string;
  readonly provider: string;
  readonly credential: SealedSecret;
  readonly ingest_token_prefix: string;
  readonly ingest_token_hash: string;
  readonly verification: { readonly server_id: string; readonly server_version: string | null; readonly control_plane_version: string };
}>;

export type RecordRuntimeTargetHealth = DomainCommand<'RecordRuntimeTargetHealth', {
  readonly status: 'healthy' | 'unhealthy';
  readonly detail: string;
}>;

export type RuntimeTargetCommand = RegisterRuntimeTarget | RecordRuntimeTargetHealth;
