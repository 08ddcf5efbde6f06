import { DomainCommand } from '../../shared/event';
import { ReplicaTarget, ReplicationDecision, SwitchKind, TargetObservation } from './events';

/** A target as the handler looked it up for enrollment: its owner and its last health. */
export interface EnrollmentTargetLookup extends ReplicaTarget {
  readonly organization_id: string | null;
  readonly healthy: boolean;
  readonly health_detail: string | null;
}

export type EnrollReplication = DomainCommand<'EnrollReplication', {
  readonly namespace: { readonly name: string; readonly id: string } | null;
  /** The namespace's current, provisioned target (null: it has none yet). */
  readonly home: EnrollmentTargetLookup | null;
  readonly secondary: EnrollmentTargetLookup | null;
  readonly secondary_runtime_target_id: string;
  readonly runtime_namespace: string | null;
  readonly enrollment_id: string;
  readonly failover_after_failed_checks?: unknown;
  readonly failback_after_healthy_checks?: unknown;
  readonly automatic_failover?: unknown;
}>;
export type LeaveReplication = DomainCommand<'LeaveReplication', Record<string, never>>;
export type SetAutomaticFailover = DomainCommand<'SetAutomaticFailover', { readonly automatic_failover: unknown }>;
export type RecordReplicationCheck = DomainCommand<'RecordReplicationCheck', {
  readonly enrollment_id: string;
  readonly check: number;
  readonly checked_at: string;
  readonly home: TargetObservation;
  readonly secondary: TargetObservation;
  readonly decision: ReplicationDecision;
}>;
export type StartSwitch = DomainCommand<'StartSwitch', {
  readonly enrollment_id?: string;
  readonly kind: SwitchKind;
  readonly manual: boolean;
  /** The epoch the caller saw; the switch gets the next one (a stale caller is refused). */
  readonly from_epoch?: number;
  readonly reason?: unknown;
  readonly accept_lag?: unknown;
  readonly max_lag_seconds: number;
  readonly decision: ReplicationDecision | null;
}>;
export type RecordDemotion = DomainCommand<'RecordDemotion', {
  readonly epoch: number; readonly runtime_target_id: string; readonly outcome: 'demoted' | 'unreachable'; readonly detail: string | null;
}>;
export type RecordPromotion = DomainCommand<'RecordPromotion', { readonly epoch: number }>;
export type SwitchRouting = DomainCommand<'SwitchRouting', { readonly epoch: number }>;
export type AbortSwitch = DomainCommand<'AbortSwitch', { readonly epoch: number; readonly reason: string }>;

export type NamespaceReplicationCommand =
  | EnrollReplication | LeaveReplication | SetAutomaticFailover | RecordReplicationCheck | StartSwitch
  | RecordDemotion | RecordPromotion | SwitchRouting | AbortSwitch;
