import { DomainEvent } from '../../shared/event';
import { SealedSecret } from './sealed-secret';

export type RuntimeTargetHealthStatus = 'unknown' | 'healthy' | 'unhealthy';

/**
 * A verified runtime target joined the inventory. `organization_id` is its owner; null for a
 * platform (hosted) target that every organization may assign. The credential is sealed; the
 * ingest token is only its hash and public prefix.
 */
export type RuntimeTargetRegistered = DomainEvent<'RuntimeTargetRegistered', {
  readonly organization_id: string | null;
  readonly runtime_target_id: string;
  readonly name: string;
  readonly base_url: string;
  readonly region: string;
  readonly provider: string;
  readonly credential: SealedSecret;
  readonly ingest_token_prefix: string;
  readonly ingest_token_hash: string;
  /** What the target said about itself in `GET /api/cluster/info` when it was verified. */
  readonly verification: {
    readonly server_id: string;
    readonly server_version: string | null;
    readonly control_plane_version: string;
    readonly verified_at: string;
  };
  readonly registered_at: string;
}>;

/** The prober saw the target's readiness change; appended on a change only, never per probe. */
export type RuntimeTargetHealthChanged = DomainEvent<'RuntimeTargetHealthChanged', {
  readonly organization_id: string | null;
  readonly runtime_target_id: string;
  readonly status: Exclude<RuntimeTargetHealthStatus, 'unknown'>;
  readonly previous_status: RuntimeTargetHealthStatus;
  readonly detail: string;
  readonly checked_at: string;
}>;

export type RuntimeTargetEvent = RuntimeTargetRegistered | RuntimeTargetHealthChanged;

export const RuntimeTargetEvent = Object.freeze({
  types: Object.freeze(['RuntimeTargetRegistered', 'RuntimeTargetHealthChanged'] as const),
  is: (event: DomainEvent): event is RuntimeTargetEvent => (RuntimeTargetEvent.types as readonly string[]).includes(event.type),
});
