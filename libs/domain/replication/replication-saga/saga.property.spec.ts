import fc from 'fast-check';
import { DomainError } from '../../shared/errors';
import { CAUGHT_UP_LAG_SECONDS, Enrolled, NamespaceReplicationState } from '../namespace-replication/decider';
import { NamespaceReplicationEvent } from '../namespace-replication/events';
import { HOME, SagaModel, SECONDARY, SimTarget } from './saga-model';

type Action =
  | { kind: 'health'; target: 'home' | 'secondary'; up: boolean }
  | { kind: 'lag'; seconds: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'deliver'; n: number }
  | { kind: 'effect'; pick: number; mode: 'normal' | 'crash' | 'twice' }
  | { kind: 'rewind'; by: number }
  | { kind: 'manual'; switch: 'failover' | 'failback'; accept_lag: boolean }
  | { kind: 'automatic'; on: boolean }
  | { kind: 'settle' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('health' as const), target: fc.constantFrom('home' as const, 'secondary' as const), up: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lag' as const), seconds: fc.constantFrom(0, 2, 30, 120) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.constantFrom(250, 500, 1000, 1000, 3000) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('deliver' as const), n: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('effect' as const), pick: fc.nat(), mode: fc.constantFrom('normal' as const, 'normal' as const, 'crash' as const, 'twice' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rewind' as const), by: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('manual' as const), switch: fc.constantFrom('failover' as const, 'failback' as const), accept_lag: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('automatic' as const), on: fc.boolean() }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'settle' as const }) },
);

export function apply(model: SagaModel, a: Action): void {
  switch (a.kind) {
    case 'health': model.targets[a.target === 'home' ? HOME : SECONDARY].up = a.up; break;
    case 'lag': model.targets[HOME].lag = a.seconds; model.targets[SECONDARY].lag = a.seconds; break;
    case 'tick': model.advance(a.ms); break;
    case 'deliver': for (let i = 0; i < a.n; i++) model.deliverNext(); break;
    case 'effect': {
      const due = model.dueEffects();
      if (due.length > 0) model.runEffect(due[a.pick % due.length], a.mode);
      break;
    }
    case 'rewind': model.rewindFeed(a.by); break;
    case 'manual':
      try {
        model.command({ type: 'StartSwitch', data: { kind: a.switch, manual: true, accept_lag: a.accept_lag, max_lag_seconds: 60, decision: null } } as never);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
      break;
    case 'settle': model.settle(); break;
    case 'automatic':
      model.command({ type: 'SetAutomaticFailover', data: { automatic_failover: a.on } } as never);
      break;
  }
}

/** The committed-state invariants, read from the log and the simulated targets. */
function checkInvariants(model: SagaModel): void {
  const state = model.aggregate as Enrolled;
  expect(state.status).toBe('enrolled');
  // Exactly one routed primary, always one of the pair.
  expect([HOME, SECONDARY]).toContain(state.current_primary);
  // Never two targets writable at the same epoch: promotions at one epoch name one target.
  const promotedAt = new Map<number, Set<string>>();
  for (const change of model.roleChanges) {
    if (change.role !== 'primary') continue;
    promotedAt.set(change.epoch, (promotedAt.get(change.epoch) ?? new Set()).add(change.target));
  }
  for (const [epoch, targets] of promotedAt) if (epoch > 0) expect({ epoch, targets: [...targets] }).toEqual({ epoch, targets: [...targets].slice(0, 1) });
  // Once a switch committed routing, the routed target was promoted at that epoch (a writer exists).
  const primaries = Object.entries(model.targets).filter(([, t]) => t.role === 'primary' && t.epoch === state.epoch);
  expect(primaries.length).toBeLessThanOrEqual(1);

  model.events.forEach((event, index) => checkSwitchStart(event, model.before[index], model.events.slice(0, index), model.targetsAt[index]));
}

function checkSwitchStart(event: NamespaceReplicationEvent, before: NamespaceReplicationState, history: NamespaceReplicationEvent[], targets: Record<string, SimTarget>): void {
  if (event.type !== 'ReplicationSwitchStarted') return;
  const s = before as Enrolled;
  const checks = history.filter((e) => e.type === 'ReplicationCheckRecorded');
  const lastCheck = checks[checks.length - 1];
  if (event.data.kind === 'failover') {
    // Never a failover to a secondary the last check did not find ready.
    expect(lastCheck?.type === 'ReplicationCheckRecorded' && lastCheck.data.secondary.ready).toBe(true);
    if (!event.data.manual) {
      // Recomputed from the raw log: the last N checks since the last completed switch all failed on the home primary.
      const since = history.map((e) => e.type).lastIndexOf('ReplicationSwitchCompleted');
      const recent = history.slice(since + 1).filter((e) => e.type === 'ReplicationCheckRecorded').slice(-s.failover_after_failed_checks);
      expect(recent).toHaveLength(s.failover_after_failed_checks);
      for (const c of recent) if (c.type === 'ReplicationCheckRecorded') expect(c.data.home.ready).toBe(false);
    }
    return;
  }
  // Failback: the old home primary is not a writer any more (demoted, on the target itself) when it starts.
  expect(targets[HOME].role).toBe('secondary');
  expect(lastCheck?.type === 'ReplicationCheckRecorded' && lastCheck.data.home.ready).toBe(true);
  if (!event.data.manual) {
    const since = history.map((e) => e.type).lastIndexOf('ReplicationSwitchCompleted');
    const recent = history.slice(since + 1).filter((e) => e.type === 'ReplicationCheckRecorded').slice(-s.failback_after_healthy_checks);
    expect(recent).toHaveLength(s.failback_after_healthy_checks);
    for (const c of recent) if (c.type === 'ReplicationCheckRecorded') expect(c.data.home.ready).toBe(true);
    const lag = lastCheck?.type === 'ReplicationCheckRecorded' ? lastCheck.data.home.lag_seconds : null;
    expect(lag !== null && lag <= CAUGHT_UP_LAG_SECONDS).toBe(true);
  }
}

describe('replication saga (pure model: aggregate + saga + two simulated targets)', () => {
  it('keeps one writer, never fails over to an unready secondary, never fails back early, and returns home once it stays healthy', () => {
    fc.assert(fc.property(
      fc.array(action, { minLength: 30, maxLength: 150, size: 'max' }),
      fc.constantFrom(1, 2, 3), fc.constantFrom(1, 3, 4),
      (actions, failover, failback) => {
        const model = new SagaModel(1000, { failover, failback });
        model.settle();
        for (const a of actions) {
          apply(model, a);
          checkInvariants(model);
        }
        // The home region recovers and stays healthy; faults stop: the home primary is the primary again.
        model.targets[HOME].up = true;
        model.targets[SECONDARY].up = true;
        model.targets[HOME].lag = 0;
        model.targets[SECONDARY].lag = 0;
        model.command({ type: 'SetAutomaticFailover', data: { automatic_failover: true } } as never);
        for (let i = 0; i < failback + failover + 12; i++) {
          model.advance(1000);
          model.settle();
          checkInvariants(model);
        }
        const state = model.aggregate as Enrolled;
        expect(state.switch).toBeNull();
        expect(state.current_primary).toBe(HOME);
        expect(model.targets[HOME]).toMatchObject({ role: 'primary', epoch: state.epoch });
        expect(model.targets[SECONDARY].role).toBe('secondary');
      },
    ), { numRuns: 150 });
  });

  it('fails over after N failed checks of the home primary and back after M healthy ones, with the reasons recorded', () => {
    const model = new SagaModel(1000, { failover: 2, failback: 3 });
    model.settle();
    model.targets[HOME].up = false;
    for (let i = 0; i < 4; i++) { model.advance(1000); model.settle(); }
    expect(model.state.current_primary).toBe(SECONDARY);
    const started = model.events.find((e) => e.type === 'ReplicationSwitchStarted');
    expect(started?.data).toMatchObject({ kind: 'failover', epoch: 1, manual: false, decision: { action: 'failover', home_consecutive_failed: 2, thresholds: { failover_after_failed_checks: 2 } } });
    const types = model.events.map((e) => e.type);
    expect(types.slice(types.indexOf('ReplicationSwitchStarted'))).toEqual(expect.arrayContaining(['ReplicationOldPrimaryDemoted', 'ReplicationNewPrimaryPromoted', 'ReplicationRoutingSwitched', 'ReplicationSwitchCompleted']));
    model.targets[HOME].up = true;
    for (let i = 0; i < 8; i++) { model.advance(1000); model.settle(); }
    expect(model.state.current_primary).toBe(HOME);
    const fence = model.events.findIndex((e) => e.type === 'ReplicationOldPrimaryDemoted' && e.data.late);
    const failbackStart = model.events.findIndex((e) => e.type === 'ReplicationSwitchStarted' && e.data.kind === 'failback');
    expect(fence).toBeGreaterThan(-1);
    expect(fence).toBeLessThan(failbackStart);
    expect(model.state.epoch).toBe(2);
  });

  it('does not flap: health alternating every check never reaches a threshold of 2', () => {
    const model = new SagaModel(1000, { failover: 2, failback: 3 });
    model.settle();
    for (let i = 0; i < 20; i++) { model.targets[HOME].up = i % 2 === 0; model.advance(1000); model.settle(); }
    expect(model.events.some((e) => e.type === 'ReplicationSwitchStarted')).toBe(false);
  });
});
