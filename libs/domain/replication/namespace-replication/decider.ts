import { assertNever, Decider } from '../../shared/decider';
import { conflict, DomainError, invalid, notFound } from '../../shared/errors';
import { CommandContext } from '../../shared/event';
import { NamespaceReplicationCommand } from './commands';
import {
  NamespaceReplicationEvent, ReplicaTarget, ReplicationCheckRecorded, ReplicationThresholds, SwitchKind, TargetObservation,
} from './events';

export const DEFAULT_THRESHOLDS: ReplicationThresholds = Object.freeze({ failover_after_failed_checks: 2, failback_after_healthy_checks: 3 });
/** The home primary counts as caught up for an automatic failback when its replication lag is at most this. */
export const CAUGHT_UP_LAG_SECONDS = 5;
const MAX_THRESHOLD = 1000;

export interface SwitchInProgress {
  readonly epoch: number;
  readonly kind: SwitchKind;
  readonly from: string;
  readonly to: string;
  readonly started_at: string;
  readonly demoted: 'demoted' | 'unreachable' | null;
  readonly promoted: boolean;
}

export interface Enrolled extends ReplicationThresholds {
  readonly status: 'enrolled';
  readonly organization_id: string;
  readonly namespace: string;
  readonly namespace_id: string;
  readonly enrollment_id: string;
  readonly runtime_namespace: string;
  readonly home: ReplicaTarget;
  readonly secondary: ReplicaTarget;
  readonly automatic_failover: boolean;
  /** The one target writes go to. */
  readonly current_primary: string;
  readonly epoch: number;
  readonly switch: SwitchInProgress | null;
  /** The target that is not the current primary has been demoted at the current epoch (or never was primary). */
  readonly standby_fenced: boolean;
  readonly home_consecutive_failed: number;
  readonly home_consecutive_healthy: number;
  readonly home_failing_since: string | null;
  readonly home_healthy_since: string | null;
  readonly last_check: ReplicationCheckRecorded['data'] | null;
  readonly checks: number;
  readonly last_failover_at: string | null;
  readonly last_failback_at: string | null;
  readonly enrolled_at: string;
}

export type NamespaceReplicationState = { readonly status: 'none' } | Enrolled;

const threshold = (value: unknown, fallback: number, field: string): number => {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_THRESHOLD) {
    throw invalid(`${field} must be a whole number from 1 to ${MAX_THRESHOLD}`, field);
  }
  return value;
};

const unprocessable = (message: string, field?: string) => new DomainError('invalid', message, field);

export const otherTarget = (state: Enrolled, id: string): string => (id === state.home.id ? state.secondary.id : state.home.id);

/** What an automatic failover needs: the home primary failed N checks in a row and the secondary is ready now. */
export function failoverRule(state: Enrolled): { holds: boolean; why: string } {
  if (state.current_primary !== state.home.id) return { holds: false, why: 'the secondary is already the primary' };
  if (state.home_consecutive_failed < state.failover_after_failed_checks) {
    return { holds: false, why: `home primary failed ${state.home_consecutive_failed} of ${state.failover_after_failed_checks} checks in a row` };
  }
  if (!state.last_check?.secondary.ready) return { holds: false, why: 'the secondary is not ready' };
  return { holds: true, why: `home primary failed ${state.home_consecutive_failed} checks in a row (threshold ${state.failover_after_failed_checks}) and the secondary is ready` };
}

/**
 * What an automatic failback needs: the home primary answered M checks in a row, it was demoted at the
 * current epoch (no stale writer left), and it has caught up (its replication lag is small).
 */
export function failbackRule(state: Enrolled): { holds: boolean; why: string } {
  if (state.current_primary === state.home.id) return { holds: false, why: 'the home primary is already the primary' };
  if (!state.standby_fenced) return { holds: false, why: 'the old home primary has not been demoted at the current epoch yet' };
  if (state.home_consecutive_healthy < state.failback_after_healthy_checks) {
    return { holds: false, why: `home primary healthy ${state.home_consecutive_healthy} of ${state.failback_after_healthy_checks} checks in a row` };
  }
  const lag = state.last_check?.home.lag_seconds;
  if (lag === null || lag === undefined || lag > CAUGHT_UP_LAG_SECONDS) {
    return { holds: false, why: `home primary has not caught up (lag ${lag ?? 'unknown'} s, at most ${CAUGHT_UP_LAG_SECONDS} s)` };
  }
  return {
    holds: true,
    why: `home primary healthy ${state.home_consecutive_healthy} checks in a row (threshold ${state.failback_after_healthy_checks}), demoted at epoch ${state.epoch}, lag ${lag} s`,
  };
}

/** Lag of the target that would become primary: the predicted loss (RPO) of a switch now. */
export const predictedRpo = (state: Enrolled, kind: SwitchKind): number | null =>
  (kind === 'failover' ? state.last_check?.secondary.lag_seconds : state.last_check?.home.lag_seconds) ?? null;

/** Go or no-go of a manual switch, with every reason (the dry run answers exactly this). */
export function manualSwitchReasons(state: Enrolled, kind: SwitchKind, acceptLag: boolean, maxLagSeconds: number): { go: boolean; reasons: string[]; lag_refused: boolean } {
  const reasons: string[] = [];
  let lagRefused = false;
  if (state.switch) reasons.push(`a ${state.switch.kind} at epoch ${state.switch.epoch} is in progress`);
  const to = kind === 'failover' ? state.secondary.id : state.home.id;
  if (state.current_primary === to) reasons.push(`${kind === 'failover' ? 'the secondary' : 'the home primary'} is already the primary`);
  const observed = kind === 'failover' ? state.last_check?.secondary : state.last_check?.home;
  if (!observed) reasons.push('no readiness check has been recorded yet');
  else if (!observed.ready) reasons.push(`${kind === 'failover' ? 'the secondary' : 'the home primary'} is not ready${observed.detail ? `: ${observed.detail}` : ''}`);
  if (kind === 'failback' && state.current_primary !== state.home.id && !state.standby_fenced) reasons.push('the home primary has not been demoted at the current epoch yet');
  const lag = predictedRpo(state, kind);
  if (lag !== null && lag > maxLagSeconds && !acceptLag) {
    reasons.push(`replication lag ${lag} s is above ${maxLagSeconds} s; accept_lag: true accepts the loss`);
    lagRefused = true;
  }
  return { go: reasons.length === 0, reasons, lag_refused: lagRefused };
}

const enrolledOf = (state: NamespaceReplicationState): Enrolled => {
  if (state.status !== 'enrolled') throw notFound('replication enrollment');
  return state;
};

const organizationOf = (context: CommandContext): string => {
  if (!context.organization_id) throw invalid('replication needs an organization');
  return context.organization_id;
};

const observe = (o: TargetObservation) => o;

export const namespaceReplicationDecider: Decider<NamespaceReplicationState, NamespaceReplicationCommand, NamespaceReplicationEvent> = Object.freeze({
  initialState: (): NamespaceReplicationState => ({ status: 'none' }),

  decide(command: NamespaceReplicationCommand, state: NamespaceReplicationState): readonly NamespaceReplicationEvent[] {
    const now = command.context.now;
    switch (command.type) {
      case 'EnrollReplication': {
        const organization_id = organizationOf(command.context);
        const d = command.data;
        if (!d.namespace) throw notFound('namespace');
        if (state.status === 'enrolled') {
          if (state.secondary.id === d.secondary_runtime_target_id) return [];
          throw conflict('the namespace is already replicated to another secondary; leave the pair first (DELETE …/replication)', 'secondary_runtime_target_id');
        }
        const failover = threshold(d.failover_after_failed_checks, DEFAULT_THRESHOLDS.failover_after_failed_checks, 'failover_after_failed_checks');
        const failback = threshold(d.failback_after_healthy_checks, DEFAULT_THRESHOLDS.failback_after_healthy_checks, 'failback_after_healthy_checks');
        if (d.automatic_failover !== undefined && typeof d.automatic_failover !== 'boolean') throw invalid('automatic_failover must be true or false', 'automatic_failover');
        if (!d.secondary || (d.secondary.organization_id !== null && d.secondary.organization_id !== organization_id)) {
          throw notFound('runtime target', 'secondary_runtime_target_id');
        }
        if (!d.home || !d.runtime_namespace) throw unprocessable('the namespace has no provisioned runtime target to be the home primary', 'secondary_runtime_target_id');
        const { secondary, home } = d;
        if (secondary.id === home.id) throw unprocessable('the secondary must be another runtime target than the home primary', 'secondary_runtime_target_id');
        if (secondary.provider !== home.provider) {
          throw unprocessable(`the secondary must be of the home primary's provider (${home.provider}), not ${secondary.provider}`, 'secondary_runtime_target_id');
        }
        if (secondary.region === home.region) throw unprocessable(`the secondary must be in another region than the home primary (${home.region})`, 'secondary_runtime_target_id');
        if (!secondary.healthy) throw unprocessable(`the secondary is not healthy${secondary.health_detail ? `: ${secondary.health_detail}` : ''}`, 'secondary_runtime_target_id');
        const target = (t: ReplicaTarget): ReplicaTarget => ({ id: t.id, region: t.region, provider: t.provider });
        return [{
          type: 'ReplicationEnrolled',
          data: {
            organization_id, namespace: d.namespace.name, namespace_id: d.namespace.id, enrollment_id: d.enrollment_id,
            home: target(home), secondary: target(secondary), runtime_namespace: d.runtime_namespace,
            failover_after_failed_checks: failover, failback_after_healthy_checks: failback,
            automatic_failover: (d.automatic_failover as boolean | undefined) ?? true, enrolled_at: now,
          },
        }];
      }
      case 'LeaveReplication': {
        const s = enrolledOf(state);
        if (s.switch) throw conflict(`a ${s.switch.kind} is in progress; leave the pair once it has ended`);
        if (s.current_primary !== s.home.id) throw conflict('the secondary is the primary now; fail back before leaving the pair');
        return [{ type: 'ReplicationLeft', data: { ...base(s), left_at: now } }];
      }
      case 'SetAutomaticFailover': {
        const s = enrolledOf(state);
        if (typeof command.data.automatic_failover !== 'boolean') throw invalid('automatic_failover must be true or false', 'automatic_failover');
        if (s.automatic_failover === command.data.automatic_failover) return [];
        return [{ type: 'ReplicationAutomaticFailoverSet', data: { ...base(s), automatic_failover: command.data.automatic_failover, set_at: now } }];
      }
      case 'RecordReplicationCheck': {
        const s = enrolledOf(state);
        const d = command.data;
        if (d.enrollment_id !== s.enrollment_id || d.check <= s.checks) return [];
        return [{
          type: 'ReplicationCheckRecorded',
          data: { ...base(s), check: d.check, checked_at: d.checked_at, home: observe(d.home), secondary: observe(d.secondary), decision: d.decision },
        }];
      }
      case 'StartSwitch': {
        const s = enrolledOf(state);
        const d = command.data;
        if (d.enrollment_id !== undefined && d.enrollment_id !== s.enrollment_id) throw conflict('the enrollment has ended');
        if (d.from_epoch !== undefined && d.from_epoch !== s.epoch) throw conflict(`epoch ${d.from_epoch} is stale: the pair is at epoch ${s.epoch}`);
        const acceptLag = d.accept_lag === undefined ? false : d.accept_lag;
        if (typeof acceptLag !== 'boolean') throw invalid('accept_lag must be true or false', 'accept_lag');
        if (d.reason !== undefined && (typeof d.reason !== 'string' || d.reason.length > 500)) throw invalid('reason must be text of at most 500 characters', 'reason');
        if (d.manual) {
          const verdict = manualSwitchReasons(s, d.kind, acceptLag, d.max_lag_seconds);
          if (!verdict.go) throw conflict(`no-go: ${verdict.reasons.join('; ')}`);
        } else {
          if (s.switch) throw conflict('a switch is in progress');
          if (!s.automatic_failover) throw conflict('automatic failover is off');
          const rule = d.kind === 'failover' ? failoverRule(s) : failbackRule(s);
          if (!rule.holds) throw conflict(`the ${d.kind} rule does not hold: ${rule.why}`);
        }
        const from = s.current_primary;
        const epoch = s.epoch + 1;
        return [{
          type: 'ReplicationSwitchStarted',
          data: {
            ...base(s), epoch, kind: d.kind, from_runtime_target_id: from, to_runtime_target_id: otherTarget(s, from), runtime_namespace: s.runtime_namespace,
            manual: d.manual, reason: typeof d.reason === 'string' && d.reason ? d.reason : d.manual ? `manual ${d.kind}` : (d.kind === 'failover' ? failoverRule(s) : failbackRule(s)).why,
            accept_lag: acceptLag, predicted_rpo_seconds: predictedRpo(s, d.kind), decision: d.decision, started_at: now,
          },
        }];
      }
      case 'RecordDemotion': {
        const s = enrolledOf(state);
        const d = command.data;
        // A late demotion: the old primary answered at last (or an earlier switch's target).
        if (!s.switch || s.switch.epoch !== d.epoch) {
          if (d.outcome !== 'demoted' || d.epoch !== s.epoch || s.standby_fenced || d.runtime_target_id === s.current_primary) return [];
          return [{ type: 'ReplicationOldPrimaryDemoted', data: { ...base(s), epoch: d.epoch, runtime_target_id: d.runtime_target_id, outcome: 'demoted', late: true, detail: d.detail, at: now } }];
        }
        if (d.runtime_target_id !== s.switch.from) return [];
        if (s.switch.demoted === 'unreachable' && d.outcome === 'demoted' && !s.standby_fenced) {
          // The old primary answered while the switch was still going on: it is fenced now.
          return [{ type: 'ReplicationOldPrimaryDemoted', data: { ...base(s), epoch: d.epoch, runtime_target_id: d.runtime_target_id, outcome: 'demoted', late: true, detail: d.detail, at: now } }];
        }
        if (s.switch.demoted !== null) return [];
        return [{ type: 'ReplicationOldPrimaryDemoted', data: { ...base(s), epoch: d.epoch, runtime_target_id: d.runtime_target_id, outcome: d.outcome, late: false, detail: d.detail, at: now } }];
      }
      case 'RecordPromotion': {
        const s = enrolledOf(state);
        if (!s.switch || s.switch.epoch !== command.data.epoch || s.switch.promoted) return [];
        if (s.switch.demoted === null) throw conflict('the old primary must be demoted (or found unreachable) before the new one is promoted');
        return [{ type: 'ReplicationNewPrimaryPromoted', data: { ...base(s), epoch: s.switch.epoch, runtime_target_id: s.switch.to, at: now } }];
      }
      case 'SwitchRouting': {
        const s = enrolledOf(state);
        if (!s.switch || s.switch.epoch !== command.data.epoch) return [];
        if (!s.switch.promoted) throw conflict('routing switches only after the new primary was promoted');
        const duration = Date.parse(now) - Date.parse(s.switch.started_at);
        return [
          { type: 'ReplicationRoutingSwitched', data: { ...base(s), epoch: s.switch.epoch, from_runtime_target_id: s.switch.from, to_runtime_target_id: s.switch.to, at: now } },
          { type: 'ReplicationSwitchCompleted', data: { ...base(s), epoch: s.switch.epoch, kind: s.switch.kind, duration_ms: Math.max(0, duration), at: now } },
        ];
      }
      case 'AbortSwitch': {
        const s = enrolledOf(state);
        if (!s.switch || s.switch.epoch !== command.data.epoch) return [];
        return [{ type: 'ReplicationSwitchAborted', data: { ...base(s), epoch: s.switch.epoch, restore_epoch: s.switch.epoch + 1, kind: s.switch.kind, reason: command.data.reason, at: now } }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state: NamespaceReplicationState, event: NamespaceReplicationEvent): NamespaceReplicationState {
    if (event.type === 'ReplicationEnrolled') {
      const d = event.data;
      return {
        status: 'enrolled', organization_id: d.organization_id, namespace: d.namespace, namespace_id: d.namespace_id, enrollment_id: d.enrollment_id,
        runtime_namespace: d.runtime_namespace, home: d.home, secondary: d.secondary, automatic_failover: d.automatic_failover,
        failover_after_failed_checks: d.failover_after_failed_checks, failback_after_healthy_checks: d.failback_after_healthy_checks,
        current_primary: d.home.id, epoch: 0, switch: null, standby_fenced: true, home_consecutive_failed: 0, home_consecutive_healthy: 0,
        home_failing_since: null, home_healthy_since: null, last_check: null, checks: 0, last_failover_at: null, last_failback_at: null, enrolled_at: d.enrolled_at,
      };
    }
    if (state.status !== 'enrolled') return state;
    switch (event.type) {
      case 'ReplicationLeft':
        return { status: 'none' };
      case 'ReplicationAutomaticFailoverSet':
        return { ...state, automatic_failover: event.data.automatic_failover };
      case 'ReplicationCheckRecorded': {
        const d = event.data;
        const ready = d.home.ready;
        return {
          ...state, last_check: d, checks: d.check,
          home_consecutive_failed: ready ? 0 : state.home_consecutive_failed + 1,
          home_consecutive_healthy: ready ? state.home_consecutive_healthy + 1 : 0,
          home_failing_since: ready ? null : state.home_failing_since ?? d.checked_at,
          home_healthy_since: ready ? state.home_healthy_since ?? d.checked_at : null,
        };
      }
      case 'ReplicationSwitchStarted': {
        const d = event.data;
        return {
          ...state, epoch: d.epoch, standby_fenced: false,
          switch: { epoch: d.epoch, kind: d.kind, from: d.from_runtime_target_id, to: d.to_runtime_target_id, started_at: d.started_at, demoted: null, promoted: false },
        };
      }
      case 'ReplicationOldPrimaryDemoted': {
        const d = event.data;
        if (d.late) return { ...state, standby_fenced: true };
        return state.switch ? { ...state, switch: { ...state.switch, demoted: d.outcome }, standby_fenced: d.outcome === 'demoted' } : state;
      }
      case 'ReplicationNewPrimaryPromoted':
        return state.switch ? { ...state, switch: { ...state.switch, promoted: true } } : state;
      case 'ReplicationRoutingSwitched':
        return { ...state, current_primary: event.data.to_runtime_target_id };
      case 'ReplicationSwitchCompleted': {
        const kind = event.data.kind;
        return {
          ...state, switch: null,
          last_failover_at: kind === 'failover' ? event.data.at : state.last_failover_at,
          last_failback_at: kind === 'failback' ? event.data.at : state.last_failback_at,
          // Hysteresis: after a switch the counts start over.
          home_consecutive_failed: 0, home_consecutive_healthy: 0, home_failing_since: null, home_healthy_since: null,
        };
      }
      case 'ReplicationSwitchAborted': {
        // The routed primary stays; until the saga has demoted the other target at the restore epoch it is not fenced.
        return { ...state, switch: null, epoch: event.data.restore_epoch, standby_fenced: false };
      }
      default:
        return assertNever(event);
    }
  },
});

function base(s: Enrolled) {
  return { organization_id: s.organization_id, namespace: s.namespace, namespace_id: s.namespace_id, enrollment_id: s.enrollment_id };
}
