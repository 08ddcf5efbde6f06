/**
 * A pure model of the whole saga for property tests: the enrollment aggregate (its decider), the saga
 * folded through the runner's own envelope logic, two simulated runtime targets with epoch fencing, a
 * clock, and effects carried out in any order, twice (two runners), or lost to a crash before their
 * outcome is recorded. Only the event log and the process stream are "committed".
 */
import { DomainError } from '../../shared/errors';
import { CommandContext } from '../../shared/event';
import { backoffMs, ProcessInput } from '../../../process-manager/src/process';
import { alreadyFed, evolveEnvelope, newEnvelope, ProcessEnvelope } from '../../../process-manager/src/process-envelope';
import { NamespaceReplicationCommand } from '../namespace-replication/commands';
import { Enrolled, namespaceReplicationDecider, NamespaceReplicationState } from '../namespace-replication/decider';
import { NamespaceReplicationEvent, TargetObservation } from '../namespace-replication/events';
import { ReplicaObservations, ReplicationCommandParams, replicationSaga, ReplicationSagaState, SetRoleParams } from './process';

export interface SimTarget { up: boolean; role: 'primary' | 'secondary'; epoch: number; lag: number }

export const HOME = 'rt_home';
export const SECONDARY = 'rt_secondary';
const ORG = 'org_model';

type Outcome = { ok: true; result: unknown } | { ok: false; error: { message: string; code?: string; final: boolean } };

export class SagaModel {
  readonly definition;
  now: number = Date.parse('2026-05-01T00:00:00.000Z');
  readonly events: NamespaceReplicationEvent[] = [];
  /** The aggregate state before each event (to check the rules each switch started under). */
  readonly before: NamespaceReplicationState[] = [];
  /** The simulated targets as they were when each event was appended. */
  readonly targetsAt: Record<string, SimTarget>[] = [];
  aggregate: NamespaceReplicationState = namespaceReplicationDecider.initialState();
  envelope: ProcessEnvelope<ReplicationSagaState>;
  delivered = 0;
  readonly applied = new Set<string>();
  readonly targets: Record<string, SimTarget> = {
    [HOME]: { up: true, role: 'primary', epoch: 0, lag: 0 },
    [SECONDARY]: { up: true, role: 'secondary', epoch: 0, lag: 0 },
  };
  /** Every role change a target accepted, in order, with the aggregate's epoch at that moment. */
  readonly roleChanges: { target: string; role: string; epoch: number }[] = [];
  private commandSeq = 0;

  constructor(readonly intervalMs = 1000, thresholds: { failover?: number; failback?: number } = {}) {
    this.definition = replicationSaga({ checkIntervalMs: intervalMs });
    this.envelope = newEnvelope(this.definition);
    this.command({
      type: 'EnrollReplication', data: {
        namespace: { name: 'orders', id: 'ns_1' }, enrollment_id: 'enr_1', secondary_runtime_target_id: SECONDARY, runtime_namespace: 'orders-rt',
        home: { id: HOME, region: 'eu-west', provider: 'aws', organization_id: ORG, healthy: true, health_detail: null },
        secondary: { id: SECONDARY, region: 'eu-central', provider: 'aws', organization_id: ORG, healthy: true, health_detail: null },
        failover_after_failed_checks: thresholds.failover, failback_after_healthy_checks: thresholds.failback,
      },
    } as never, 'enroll');
  }

  get iso(): string { return new Date(this.now).toISOString(); }
  get state(): Enrolled { return this.aggregate as Enrolled; }

  /** A command on the aggregate; a command id already applied appends nothing (as the event store's ids make it). */
  command(command: Omit<NamespaceReplicationCommand, 'context'>, commandId = `cmd-${++this.commandSeq}`): NamespaceReplicationEvent[] {
    if (this.applied.has(commandId)) return [];
    const context: CommandContext = { command_id: commandId, organization_id: ORG, actor: { id: 'model', kind: 'system' }, request_id: commandId, correlation_id: commandId, now: this.iso };
    const events = namespaceReplicationDecider.decide({ ...command, context } as NamespaceReplicationCommand, this.aggregate);
    this.applied.add(commandId);
    for (const event of events) {
      this.before.push(this.aggregate);
      this.targetsAt.push(JSON.parse(JSON.stringify(this.targets)));
      this.events.push(event);
      this.aggregate = namespaceReplicationDecider.evolve(this.aggregate, event);
    }
    return [...events];
  }

  private record(input: ProcessInput, position: string | null = null): void {
    const ended = this.envelope.status === 'completed' || this.envelope.status === 'failed';
    const outputs = ended ? [] : this.definition.decide(input, this.envelope.state);
    this.envelope = evolveEnvelope(this.definition, this.envelope, {
      type: 'ProcessInputRecorded', data: { process: this.definition.name, process_id: `${ORG}:enr_1`, input, position, outputs },
    });
  }

  private feedEvent(index: number): void {
    const event = this.events[index];
    const position = `${index + 1}.${index + 1}`;
    if (alreadyFed(this.envelope, position)) return;
    this.record({ kind: 'event', type: event.type, data: event.data, event_id: `e${index + 1}`, stream_id: 's', position, organization_id: ORG, at: this.iso }, position);
  }

  /** Feeds the next event of the log to the saga (false when it has all). */
  deliverNext(): boolean {
    if (this.delivered >= this.events.length) return false;
    this.feedEvent(this.delivered);
    this.delivered += 1;
    return true;
  }

  /** A restarted feed reads a few events again from an older checkpoint: they must not be fed twice. */
  rewindFeed(by: number): void {
    for (let i = Math.max(0, this.delivered - by); i < this.delivered; i++) this.feedEvent(i);
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [step, at] of [...this.envelope.timers]) {
      if (Date.parse(at) <= this.now && this.envelope.timers.get(step) === at) this.record({ kind: 'timer_fired', step, at: this.iso });
    }
  }

  dueEffects(): string[] {
    return [...this.envelope.effects.values()].filter((e) => e.retryAt === null || Date.parse(e.retryAt) <= this.now).map((e) => e.step);
  }

  /**
   * Carries out one due effect. `crash`: the effect happened but the runner died before recording its
   * outcome (it runs again later). `twice`: a second runner carried it out too.
   */
  runEffect(step: string, mode: 'normal' | 'crash' | 'twice' = 'normal'): void {
    const effect = this.envelope.effects.get(step);
    if (!effect) return;
    const outcome = this.execute(effect.effect, effect.params, `${this.definition.name}:${step}`);
    if (mode === 'twice') this.execute(effect.effect, effect.params, `${this.definition.name}:${step}`);
    if (mode === 'crash') return;
    const attempt = effect.attempts + 1;
    if (outcome.ok) {
      this.record({ kind: 'effect_succeeded', step, effect: effect.effect, result: outcome.result, attempts: attempt, at: this.iso });
    } else if (outcome.error.final || attempt >= effect.retry.maxAttempts) {
      this.record({ kind: 'effect_failed', step, effect: effect.effect, error: outcome.error, attempts: attempt, at: this.iso });
    } else {
      this.envelope = evolveEnvelope(this.definition, this.envelope, {
        type: 'ProcessEffectAttemptFailed',
        data: { process: this.definition.name, process_id: `${ORG}:enr_1`, step, effect: effect.effect, attempt, error: outcome.error, retry_at: new Date(this.now + backoffMs(effect.retry, attempt)).toISOString() },
      });
    }
  }

  private observe(id: string): TargetObservation {
    const t = this.targets[id];
    return t.up
      ? { ready: true, detail: null, role: t.role, epoch: t.epoch, lag_seconds: t.role === 'secondary' ? t.lag : 0, last_successful_replication_at: null }
      : { ready: false, detail: 'unreachable', role: null, epoch: null, lag_seconds: null, last_successful_replication_at: null };
  }

  private execute(effect: string, params: unknown, effectId: string): Outcome {
    try {
      switch (effect) {
        case 'probe_replicas': {
          const result: ReplicaObservations = { checked_at: this.iso, home: this.observe(HOME), secondary: this.observe(SECONDARY) };
          return { ok: true, result };
        }
        case 'prepare_replica':
        case 'set_replica_role': {
          const p = params as SetRoleParams;
          const t = this.targets[p.runtime_target_id];
          if (!t.up) return { ok: false, error: { message: 'unreachable', code: 'unreachable', final: false } };
          if (p.epoch < t.epoch) return { ok: false, error: { message: 'stale', code: 'stale_replication_epoch', final: true } };
          t.role = p.role;
          t.epoch = p.epoch;
          this.roleChanges.push({ target: p.runtime_target_id, role: p.role, epoch: p.epoch });
          return { ok: true, result: { runtime_target_id: p.runtime_target_id, role: p.role, epoch: p.epoch } };
        }
        case 'replication_command': {
          const p = params as ReplicationCommandParams;
          this.command(p.command as never, effectId);
          return { ok: true, result: null };
        }
        default:
          return { ok: false, error: { message: `no executor ${effect}`, final: true } };
      }
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, error: { message: error.message, code: error.code, final: true } };
      throw error;
    }
  }

  /** Everything that is due, done in order without faults, until nothing is left at this instant. */
  settle(limit = 200): void {
    for (let i = 0; i < limit; i++) {
      if (this.deliverNext()) continue;
      const [step] = this.dueEffects();
      if (step === undefined) return;
      this.runEffect(step);
    }
  }
}
