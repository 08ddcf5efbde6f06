import { DomainEvent } from '../../shared/event';

/** A runtime target as replication records it. */
export interface ReplicaTarget {
  readonly id: string;
  readonly region: string;
  readonly provider: string;
}

export interface ReplicationThresholds {
  readonly failover_after_failed_checks: number;
  readonly failback_after_healthy_checks: number;
}

/** One readiness observation of a target (`ready` false covers unreachable). */
export interface TargetObservation {
  readonly ready: boolean;
  readonly detail: string | null;
  /** From the target's replication status when it answered it. */
  readonly role: 'primary' | 'secondary' | null;
  readonly epoch: number | null;
  readonly lag_seconds: number | null;
  readonly last_successful_replication_at: string | null;
}

export type SwitchKind = 'failover' | 'failback';

/** Why the saga decided what it did after a check: the observations, the thresholds and the durations. */
export interface ReplicationDecision {
  readonly action: 'none' | 'hold' | 'failover' | 'failback';
  readonly why: string;
  readonly home_consecutive_failed: number;
  readonly home_consecutive_healthy: number;
  readonly thresholds: ReplicationThresholds;
  /** How long the home primary has been failing (or healthy) in a row, by the check instants. */
  readonly home_failing_for_ms: number | null;
  readonly home_healthy_for_ms: number | null;
}

interface Base {
  readonly organization_id: string;
  readonly namespace: string;
  readonly namespace_id: string;
  readonly enrollment_id: string;
}

export type ReplicationEnrolled = DomainEvent<'ReplicationEnrolled', Base & ReplicationThresholds & {
  readonly home: ReplicaTarget;
  readonly secondary: ReplicaTarget;
  readonly runtime_namespace: string;
  readonly automatic_failover: boolean;
  readonly enrolled_at: string;
}>;
export type ReplicationLeft = DomainEvent<'ReplicationLeft', Base & { readonly left_at: string }>;
export type ReplicationAutomaticFailoverSet = DomainEvent<'ReplicationAutomaticFailoverSet', Base & { readonly automatic_failover: boolean; readonly set_at: string }>;
export type ReplicationCheckRecorded = DomainEvent<'ReplicationCheckRecorded', Base & {
  readonly check: number;
  readonly checked_at: string;
  readonly home: TargetObservation;
  readonly secondary: TargetObservation;
  readonly decision: ReplicationDecision;
}>;
export type ReplicationSwitchStarted = DomainEvent<'ReplicationSwitchStarted', Base & {
  readonly epoch: number;
  readonly kind: SwitchKind;
  readonly from_runtime_target_id: string;
  readonly to_runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly manual: boolean;
  readonly reason: string;
  readonly accept_lag: boolean;
  readonly predicted_rpo_seconds: number | null;
  readonly decision: ReplicationDecision | null;
  readonly started_at: string;
}>;
export type ReplicationOldPrimaryDemoted = DomainEvent<'ReplicationOldPrimaryDemoted', Base & {
  readonly epoch: number;
  readonly runtime_target_id: string;
  /** `unreachable`: the switch went on without it; the demotion is retried until it answers (`late`). */
  readonly outcome: 'demoted' | 'unreachable';
  readonly late: boolean;
  readonly detail: string | null;
  readonly at: string;
}>;
export type ReplicationNewPrimaryPromoted = DomainEvent<'ReplicationNewPrimaryPromoted', Base & { readonly epoch: number; readonly runtime_target_id: string; readonly at: string }>;
export type ReplicationRoutingSwitched = DomainEvent<'ReplicationRoutingSwitched', Base & {
  readonly epoch: number; readonly from_runtime_target_id: string; readonly to_runtime_target_id: string; readonly at: string;
}>;
export type ReplicationSwitchCompleted = DomainEvent<'ReplicationSwitchCompleted', Base & { readonly epoch: number; readonly kind: SwitchKind; readonly duration_ms: number; readonly at: string }>;
/**
 * The old primary stays routed. The pair moves to `restore_epoch` (one above the switch's), at which the
 * saga promotes the routed target again and demotes the other, so a demotion or promotion of the aborted
 * switch still in flight is refused by the targets as stale.
 */
export type ReplicationSwitchAborted = DomainEvent<'ReplicationSwitchAborted', Base & {
  readonly epoch: number; readonly restore_epoch: number; readonly kind: SwitchKind; readonly reason: string; readonly at: string;
}>;

export type NamespaceReplicationEvent =
  | ReplicationEnrolled | ReplicationLeft | ReplicationAutomaticFailoverSet | ReplicationCheckRecorded | ReplicationSwitchStarted
  | ReplicationOldPrimaryDemoted | ReplicationNewPrimaryPromoted | ReplicationRoutingSwitched | ReplicationSwitchCompleted | ReplicationSwitchAborted;

export const REPLICATION_EVENT_TYPES: readonly NamespaceReplicationEvent['type'][] = [
  'ReplicationEnrolled', 'ReplicationLeft', 'ReplicationAutomaticFailoverSet', 'ReplicationCheckRecorded', 'ReplicationSwitchStarted',
  'ReplicationOldPrimaryDemoted', 'ReplicationNewPrimaryPromoted', 'ReplicationRoutingSwitched', 'ReplicationSwitchCompleted', 'ReplicationSwitchAborted',
];
