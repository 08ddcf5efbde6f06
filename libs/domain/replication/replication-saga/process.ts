import { ProcessDefinition, ProcessEventRef, ProcessInput, ProcessOutput, RetryPolicy } from '../../../process-manager/src/process';
import {
  Enrolled, failbackRule, failoverRule, namespaceReplicationDecider, NamespaceReplicationState,
} from '../namespace-replication/decider';
import {
  NamespaceReplicationEvent, REPLICATION_EVENT_TYPES, ReplicationDecision, TargetObservation,
} from '../namespace-replication/events';

/** What the `probe_replicas` effect answers: both targets observed at one instant. */
export interface ReplicaObservations {
  readonly checked_at: string;
  readonly home: TargetObservation;
  readonly secondary: TargetObservation;
}

export interface SetRoleParams {
  readonly organization_id: string;
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly role: 'primary' | 'secondary';
  readonly epoch: number;
}

/** A command on the enrollment aggregate, carried out with the effect id as the command id. */
export interface ReplicationCommandParams {
  readonly organization_id: string;
  readonly namespace_id: string;
  readonly command: { readonly type: string; readonly data: Record<string, unknown> };
}

export interface ReplicationSagaState {
  /** The enrollment aggregate as the saga has seen it (folded from its events with the aggregate's own evolve). */
  readonly replication: NamespaceReplicationState;
  readonly check: number;
  readonly checking: boolean;
}

export interface ReplicationSagaOptions {
  /** DWC_REPLICATION_CHECK_INTERVAL_MS: readiness of both targets is checked this often. */
  readonly checkIntervalMs: number;
}

export const REPLICATION_SAGA = 'replication-saga';
const ONE_TRY: RetryPolicy = Object.freeze({ maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 });
const QUICK: RetryPolicy = Object.freeze({ maxAttempts: 2, initialDelayMs: 200, maxDelayMs: 500 });
const COMMAND: RetryPolicy = Object.freeze({ maxAttempts: 8, initialDelayMs: 100, maxDelayMs: 2000 });
/** Until it answers: a demotion the old primary missed, or a re-promotion after an aborted switch. */
const untilItAnswers = (intervalMs: number): RetryPolicy => ({ maxAttempts: Number.MAX_SAFE_INTEGER, initialDelayMs: intervalMs, maxDelayMs: intervalMs });

const plusMs = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();

/** The decision a check leads to, with the counts, thresholds and durations that explain it. */
export function decideAfterCheck(before: Enrolled, observed: ReplicaObservations): ReplicationDecision {
  const state = namespaceReplicationDecider.evolve(before, {
    type: 'ReplicationCheckRecorded',
    data: {
      organization_id: before.organization_id, namespace: before.namespace, namespace_id: before.namespace_id, enrollment_id: before.enrollment_id,
      check: before.checks + 1, checked_at: observed.checked_at, home: observed.home, secondary: observed.secondary,
      decision: undefined as unknown as ReplicationDecision,
    },
  }) as Enrolled;
  const since = (at: string | null) => (at === null ? null : Math.max(0, Date.parse(observed.checked_at) - Date.parse(at)));
  const facts = {
    home_consecutive_failed: state.home_consecutive_failed, home_consecutive_healthy: state.home_consecutive_healthy,
    thresholds: { failover_after_failed_checks: state.failover_after_failed_checks, failback_after_healthy_checks: state.failback_after_healthy_checks },
    home_failing_for_ms: since(state.home_failing_since), home_healthy_for_ms: since(state.home_healthy_since),
  };
  if (state.switch) return { action: 'none', why: `a ${state.switch.kind} at epoch ${state.switch.epoch} is in progress`, ...facts };
  const kind = state.current_primary === state.home.id ? 'failover' : 'failback';
  const rule = kind === 'failover' ? failoverRule(state) : failbackRule(state);
  if (!rule.holds) {
    const hold = kind === 'failover' && state.home_consecutive_failed >= state.failover_after_failed_checks;
    return { action: hold ? 'hold' : 'none', why: rule.why, ...facts };
  }
  if (!state.automatic_failover) return { action: 'hold', why: `${rule.why}; automatic failover is off`, ...facts };
  return { action: kind, why: rule.why, ...facts };
}

const command = (s: Enrolled, type: string, data: Record<string, unknown>): ReplicationCommandParams =>
  ({ organization_id: s.organization_id, namespace_id: s.namespace_id, command: { type, data } });
const setRole = (s: Enrolled, runtime_target_id: string, role: 'primary' | 'secondary', epoch: number): SetRoleParams =>
  ({ organization_id: s.organization_id, runtime_target_id, runtime_namespace: s.runtime_namespace, role, epoch });

/**
 * The failover/failback saga of one enrolled namespace: a timer every check interval, readiness of both
 * targets, each check recorded on the enrollment with the decision it led to; a switch started on the
 * aggregate (which checks the rule again and gives the next epoch), then the old primary demoted (or
 * found unreachable and demoted later, retried until it answers), the new one promoted with the new
 * epoch, and routing switched on the aggregate. Manual switches start on the aggregate too, so both
 * take the same steps.
 */
export const replicationSaga = (options: ReplicationSagaOptions): ProcessDefinition<ReplicationSagaState> => Object.freeze({
  name: REPLICATION_SAGA,
  reactsTo: REPLICATION_EVENT_TYPES,
  processId: (event: ProcessEventRef) => {
    const enrollment = (event.data as { enrollment_id?: unknown }).enrollment_id;
    return event.organizationId && typeof enrollment === 'string' ? `${event.organizationId}:${enrollment}` : null;
  },
  initialState: (): ReplicationSagaState => ({ replication: { status: 'none' }, check: 0, checking: false }),

  decide(input: ProcessInput, state: ReplicationSagaState): readonly ProcessOutput[] {
    if (input.kind === 'event') return onEvent(input.data as never, input.type as NamespaceReplicationEvent['type'], state, options, input.at);
    const s = state.replication;
    if (s.status !== 'enrolled') return [];
    if (input.kind === 'timer_fired' && input.step === 'tick') {
      const next: ProcessOutput = { kind: 'timer', step: 'tick', at: plusMs(input.at, options.checkIntervalMs) };
      if (state.checking) return [next];
      return [{
        kind: 'effect', step: `check:${state.check + 1}`, effect: 'probe_replicas', retry: ONE_TRY,
        params: { organization_id: s.organization_id, home_runtime_target_id: s.home.id, secondary_runtime_target_id: s.secondary.id, runtime_namespace: s.runtime_namespace },
      }, next];
    }
    const [name, tag] = input.step.split(':');
    const epoch = Number(tag);
    if (name === 'check') {
      if (input.kind !== 'effect_succeeded') return [];
      const observed = input.result as ReplicaObservations;
      return [{
        kind: 'effect', step: `record-check:${tag}`, effect: 'replication_command', retry: COMMAND,
        params: command(s, 'RecordReplicationCheck', {
          enrollment_id: s.enrollment_id, check: Number(tag), checked_at: observed.checked_at, home: observed.home, secondary: observed.secondary,
          decision: decideAfterCheck(s, observed),
        }),
      }];
    }
    if (name === 'demote' && s.switch?.epoch === epoch && s.switch.demoted === null) {
      if (input.kind === 'effect_succeeded') {
        return [{ kind: 'effect', step: `record-demotion:${epoch}`, effect: 'replication_command', retry: COMMAND,
          params: command(s, 'RecordDemotion', { epoch, runtime_target_id: s.switch.from, outcome: 'demoted', detail: null }) }];
      }
      if (input.kind === 'effect_failed' && input.error.code === 'stale_replication_epoch') {
        return [{ kind: 'effect', step: `abort:${epoch}`, effect: 'replication_command', retry: COMMAND,
          params: command(s, 'AbortSwitch', { epoch, reason: `the old primary refused epoch ${epoch}: ${input.error.message}` }) }];
      }
      if (input.kind === 'effect_failed') {
        return [
          { kind: 'effect', step: `record-demotion:${epoch}`, effect: 'replication_command', retry: COMMAND,
            params: command(s, 'RecordDemotion', { epoch, runtime_target_id: s.switch.from, outcome: 'unreachable', detail: input.error.message }) },
          { kind: 'effect', step: `fence:${epoch}`, effect: 'set_replica_role', retry: untilItAnswers(options.checkIntervalMs), params: setRole(s, s.switch.from, 'secondary', epoch) },
        ];
      }
    }
    if (name === 'fence' && input.kind === 'effect_succeeded') {
      const params = { epoch, runtime_target_id: (input.result as { runtime_target_id: string }).runtime_target_id, outcome: 'demoted', detail: 'demoted once it answered again' };
      return [{ kind: 'effect', step: `record-fence:${epoch}`, effect: 'replication_command', retry: COMMAND, params: command(s, 'RecordDemotion', params) }];
    }
    if (name === 'promote' && s.switch?.epoch === epoch) {
      if (input.kind === 'effect_succeeded') return [{ kind: 'effect', step: `record-promotion:${epoch}`, effect: 'replication_command', retry: COMMAND, params: command(s, 'RecordPromotion', { epoch }) }];
      return [{ kind: 'effect', step: `abort:${epoch}`, effect: 'replication_command', retry: COMMAND,
        params: command(s, 'AbortSwitch', { epoch, reason: `the new primary could not be promoted: ${input.kind === 'effect_failed' ? input.error.message : ''}` }) }];
    }
    return [];
  },

  evolve(state: ReplicationSagaState, message: ProcessInput | ProcessOutput): ReplicationSagaState {
    if (message.kind === 'event') {
      return { ...state, replication: namespaceReplicationDecider.evolve(state.replication, { type: message.type, data: message.data } as NamespaceReplicationEvent) };
    }
    if (message.kind === 'effect' && message.step.startsWith('check:')) return { ...state, check: Number(message.step.slice(6)), checking: true };
    if ((message.kind === 'effect_succeeded' || message.kind === 'effect_failed') && message.step.startsWith('check:')) return { ...state, checking: false };
    return state;
  },
});

function onEvent(data: never, type: NamespaceReplicationEvent['type'], state: ReplicationSagaState, options: ReplicationSagaOptions, at: string): readonly ProcessOutput[] {
  const next = namespaceReplicationDecider.evolve(state.replication, { type, data } as NamespaceReplicationEvent);
  if (next.status !== 'enrolled') return type === 'ReplicationLeft' ? [{ kind: 'complete', summary: 'left the pair' }] : [];
  const s = next;
  switch (type) {
    case 'ReplicationEnrolled':
      return [
        { kind: 'effect', step: 'prepare-secondary', effect: 'prepare_replica', retry: untilItAnswers(Math.min(options.checkIntervalMs, 5000)), params: setRole(s, s.secondary.id, 'secondary', 0) },
        { kind: 'timer', step: 'tick', at: plusMs(at, options.checkIntervalMs) },
      ];
    case 'ReplicationCheckRecorded': {
      const { decision, check } = (data as { decision: ReplicationDecision; check: number });
      if (decision.action !== 'failover' && decision.action !== 'failback') return [];
      // The aggregate checks the rule again on its own state and refuses a stale epoch: two runners cannot both switch.
      return [{ kind: 'effect', step: `start:${s.epoch + 1}:${check}`, effect: 'replication_command', retry: COMMAND,
        params: command(s, 'StartSwitch', { enrollment_id: s.enrollment_id, kind: decision.action, manual: false, from_epoch: s.epoch, max_lag_seconds: Number.MAX_SAFE_INTEGER, decision }) }];
    }
    case 'ReplicationSwitchStarted':
      if (!s.switch) return [];
      return [{ kind: 'effect', step: `demote:${s.switch.epoch}`, effect: 'set_replica_role', retry: QUICK, params: setRole(s, s.switch.from, 'secondary', s.switch.epoch) }];
    case 'ReplicationOldPrimaryDemoted':
      if (!s.switch || s.switch.promoted) return [];
      return [{ kind: 'effect', step: `promote:${s.switch.epoch}`, effect: 'set_replica_role', retry: QUICK, params: setRole(s, s.switch.to, 'primary', s.switch.epoch) }];
    case 'ReplicationNewPrimaryPromoted':
      if (!s.switch) return [];
      return [{ kind: 'effect', step: `route:${s.switch.epoch}`, effect: 'replication_command', retry: COMMAND, params: command(s, 'SwitchRouting', { epoch: s.switch.epoch }) }];
    case 'ReplicationSwitchAborted': {
      const before = state.replication.status === 'enrolled' ? state.replication.switch : null;
      if (!before) return [];
      const { restore_epoch } = data as { restore_epoch: number };
      // At the restore epoch: the routed primary promoted again, the other demoted (each until it answers).
      return [
        { kind: 'effect', step: `restore:${restore_epoch}`, effect: 'set_replica_role', retry: untilItAnswers(options.checkIntervalMs), params: setRole(s, before.from, 'primary', restore_epoch) },
        { kind: 'effect', step: `fence:${restore_epoch}`, effect: 'set_replica_role', retry: untilItAnswers(options.checkIntervalMs), params: setRole(s, before.to, 'secondary', restore_epoch) },
      ];
    }
    default:
      return [];
  }
}
