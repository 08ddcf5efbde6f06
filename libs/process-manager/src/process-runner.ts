import { EventEmitter } from 'node:events';
import { LRUCache } from 'lru-cache';
import { EventMetadata } from '../../domain/shared/event';
import { SCHEMA_VERSION } from '../../event-store/src/command-handling';
import { WrongExpectedRevisionError } from '../../event-store/src/errors';
import { decodeEvent } from '../../event-store/src/event-decoding';
import { deterministicEventId } from '../../event-store/src/event-ids';
import { EventStore, RecordedEvent } from '../../event-store/src/event-store';
import { formatPosition } from '../../event-store/src/position';
import { waitForSignalOrTimeout } from '../../event-store/src/wait';
import { LeaseKeeper } from '../../read-model/src/leases/lease-keeper';
import { createLeasesTable, Leases } from '../../read-model/src/leases/leases';
import { advanceCheckpoint, createCheckpointsTable, loadCheckpoint } from '../../read-model/src/projection/checkpoints';
import { AnyDb } from '../../read-model/src/projection/projector';
import {
  backoffMs, EffectExecutor, FinalEffectError, ProcessDefinition, ProcessError, ProcessInput, ProcessOutput,
} from './process';
import { alreadyFed, evolveEnvelope, newEnvelope, nextWake, ProcessEnvelope } from './process-envelope';
import { ProcessEvent, processStream } from './process-events';
import { createProcessInstancesTable, dueInstances, markRunning, recordInstance } from './process-instances';

/** Folded instance states kept in memory (least recently used dropped first; a dropped one is folded again from its stream). */
const MAX_FOLDED_INSTANCES = 10_000;

export interface ProcessRunnerLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ProcessRunnerOptions {
  readonly leases?: Leases;
  readonly logger?: ProcessRunnerLogger;
  /** How often due timers and retries are looked for when nothing wakes the runner sooner. */
  readonly pollIntervalMs?: number;
  readonly clock?: () => Date;
  /** Called at each step boundary with a label (`process:<name>:recorded`, `process:<name>:effect:<effect>:done`); crash tests kill the process there. */
  readonly onStep?: (label: string) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDefinition = ProcessDefinition<any>;

export const processLease = (name: string) => `process:${name}`;
const checkpointName = (name: string) => `process:${name}`;

/**
 * Runs process managers: feeds each the events it reacts to from its own checkpoint, records every
 * input with the outputs decided from it in the instance's stream before carrying any out, runs
 * effects with ids derived from process and step, records each outcome (or a retry, or the give-up)
 * before the next step, and fires timers kept as events. With leases one replica runs each process
 * type; the rest stand by. Appends use exact expected revisions, so even two runners at once record
 * every step once.
 */
export class ProcessRunner {
  private readonly byName = new Map<string, AnyDefinition>();
  private readonly controller = new AbortController();
  private readonly running = new Map<string, { controller: AbortController; loops: Promise<void>[] }>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly wake = new EventEmitter().setMaxListeners(0);
  /** Emits `<process>:<id>` after each recorded step, for callers that wait on an instance. */
  readonly changes = new EventEmitter().setMaxListeners(0);
  private keeper: LeaseKeeper | undefined;
  private supervising: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly db: AnyDb,
    readonly definitions: readonly AnyDefinition[],
    private readonly executors: Readonly<Record<string, EffectExecutor>>,
    private readonly options: ProcessRunnerOptions = {},
  ) {
    for (const definition of definitions) this.byName.set(definition.name, definition);
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  async migrate(): Promise<void> {
    await createCheckpointsTable(this.db);
    await createLeasesTable(this.db);
    await createProcessInstancesTable(this.db);
  }

  start(): void {
    const { leases } = this.options;
    if (!leases) {
      for (const definition of this.definitions) this.startType(definition);
      return;
    }
    this.keeper = new LeaseKeeper(leases, this.definitions.map((d) => processLease(d.name)), (held) => {
      this.supervising = this.supervising.then(async () => {
        for (const definition of this.definitions) {
          const holds = held.has(processLease(definition.name));
          if (holds && !this.running.has(definition.name)) this.startType(definition);
          if (!holds && this.running.has(definition.name)) await this.stopType(definition.name);
        }
      });
    }, this.options.logger);
    this.keeper.start();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.keeper?.stop();
    await this.supervising;
    await Promise.all([...this.running.keys()].map((name) => this.stopType(name)));
    await Promise.all(this.background);
  }

  /** Steps started outside the scheduler's loop, awaited on stop so none outlives the storage. */
  private readonly background = new Set<Promise<void>>();

  private driveInBackground(definition: AnyDefinition, processId: string, signal: AbortSignal): void {
    const step = this.drive(definition, processId, signal).catch((error: unknown) => {
      if (!signal.aborted) this.options.logger?.error({ process: definition.name, process_id: processId, err: error }, 'process step failed; the scheduler retries it');
    });
    this.background.add(step);
    void step.finally(() => this.background.delete(step));
  }

  /** Which process types run in this replica now. */
  get runningTypes(): readonly string[] {
    return [...this.running.keys()];
  }

  /**
   * An instance's state as last folded here, by stream. A stream only grows, so the state at a revision
   * plus the events after it is the state now, whoever appended them: a long-lived process (a replication
   * saga records every check) reads only its new events on each step, not its whole history.
   */
  private readonly folded = new LRUCache<string, { envelope: ProcessEnvelope<unknown>; revision: bigint }>({ max: MAX_FOLDED_INSTANCES });

  /** Reads an instance's state from its stream (for requests that wait on a process, and for tests). */
  async load<S>(name: string, processId: string): Promise<{ envelope: ProcessEnvelope<S>; revision: bigint }> {
    const definition = this.definition(name);
    const stream = processStream(name, processId);
    const known = this.folded.get(stream);
    const events = await this.store.readStream(stream, known ? { fromRevision: known.revision + 1n } : {});
    let envelope = (known?.envelope ?? newEnvelope(definition)) as ProcessEnvelope<S>;
    for (const event of events) if (ProcessEvent.is(event)) envelope = evolveEnvelope(definition, envelope, event as ProcessEvent);
    const revision = events.length === 0 ? (known?.revision ?? -1n) : events[events.length - 1].revision;
    this.folded.set(stream, { envelope, revision });
    return { envelope, revision };
  }

  /**
   * Waits (bounded) until `until` holds for the instance; true if it did. Woken by steps recorded in this
   * replica, and polls for the ones recorded by another.
   */
  async waitFor<S>(name: string, processId: string, until: (envelope: ProcessEnvelope<S>) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { envelope } = await this.load<S>(name, processId);
      if (until(envelope)) return true;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.controller.signal.aborted) return false;
      await waitForSignalOrTimeout(this.changes, `${name}:${processId}`, Math.min(remaining, 100), this.controller.signal).promise;
    }
  }

  private definition(name: string): AnyDefinition {
    const definition = this.byName.get(name);
    if (!definition) throw new Error(`unknown process ${name}`);
    return definition;
  }

  private startType(definition: AnyDefinition): void {
    const controller = new AbortController();
    this.controller.signal.addEventListener('abort', () => controller.abort(), { once: true });
    const loops = [this.feed(definition, controller.signal), this.schedule(definition, controller.signal)];
    this.running.set(definition.name, { controller, loops });
    this.options.logger?.info({ process: definition.name }, 'running process type');
  }

  private async stopType(name: string): Promise<void> {
    const entry = this.running.get(name);
    if (!entry) return;
    entry.controller.abort();
    this.wake.emit('wake');
    await Promise.all(entry.loops);
    this.running.delete(name);
  }

  /** The events this process reacts to, from its checkpoint: each recorded as an input of its instance. */
  private async feed(definition: AnyDefinition, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        let checkpoint = await loadCheckpoint(this.db, checkpointName(definition.name));
        for await (const batch of this.store.subscribeAll({ from: checkpoint, types: definition.reactsTo, batchSize: 200, signal })) {
          if (batch.length === 0) continue;
          for (const event of batch) {
            const { data } = decodeEvent(event);
            const processId = definition.processId({ id: event.id, type: event.type, data, streamId: event.streamId, organizationId: event.metadata.organization_id });
            if (processId !== null) await this.deliver(definition, processId, event, data, signal);
          }
          const to = batch[batch.length - 1].position;
          await this.db.transaction().execute((trx) => advanceCheckpoint(trx, checkpointName(definition.name), checkpoint, to));
          checkpoint = to;
        }
      } catch (error) {
        if (signal.aborted) return;
        this.options.logger?.error({ process: definition.name, err: error }, 'process feed failed; resuming from its checkpoint');
        await waitForSignalOrTimeout(this.wake, 'never', 1000, signal).promise;
      }
    }
  }

  /** Timers and retries that fall due, and instances a crash left with work. */
  private async schedule(definition: AnyDefinition, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const due = await dueInstances(this.db, definition.name, 50);
        await Promise.all(due.map((processId) => this.drive(definition, processId, signal)));
      } catch (error) {
        if (!signal.aborted) this.options.logger?.error({ process: definition.name, err: error }, 'process scheduling failed');
      }
      await waitForSignalOrTimeout(this.wake, 'wake', this.options.pollIntervalMs ?? 250, signal).promise;
    }
  }

  /** `data` is the event's, decoded once by the feed. */
  private async deliver(definition: AnyDefinition, processId: string, event: RecordedEvent, data: unknown, signal: AbortSignal): Promise<void> {
    const stream = processStream(definition.name, processId);
    await this.exclusively(stream, async () => {
      await markRunning(this.db, { process: definition.name, process_id: processId, stream_id: stream, organization_id: event.metadata.organization_id });
      const position = formatPosition(event.position);
      const input: ProcessInput = {
        kind: 'event', type: event.type, data, event_id: event.id, stream_id: event.streamId, position,
        organization_id: event.metadata.organization_id, at: this.now().toISOString(),
      };
      await this.record(definition, processId, `input:${event.id}`, (envelope) => (alreadyFed(envelope, position) ? null : { input, position }));
    });
    this.driveInBackground(definition, processId, signal);
  }

  /** Carries out what is due for one instance, one step at a time, each outcome recorded before the next. */
  private async drive(definition: AnyDefinition, processId: string, signal: AbortSignal): Promise<void> {
    const stream = processStream(definition.name, processId);
    await this.exclusively(stream, async () => {
      for (;;) {
        if (signal.aborted) return;
        const { envelope } = await this.load(definition.name, processId);
        const now = this.now();
        const timer = [...envelope.timers].find(([, at]) => Date.parse(at) <= now.getTime());
        if (timer) {
          const [step] = timer;
          await this.record(definition, processId, `timer:${step}:${timer[1]}`,
            (current) => (current.timers.get(step) === timer[1] ? { input: { kind: 'timer_fired', step, at: now.toISOString() }, position: null } : null));
          continue;
        }
        const effect = [...envelope.effects.values()].find((e) => e.retryAt === null || Date.parse(e.retryAt) <= now.getTime());
        if (effect) {
          if (this.keeper && !this.keeper.holds(processLease(definition.name))) return;
          await this.attempt(definition, processId, envelope, effect.step);
          // Let go of the instance between effects, so inputs from the feed queued meanwhile are recorded
          // first (an instance with work always due, like a recurring check, would otherwise starve its feed).
          this.driveInBackground(definition, processId, signal);
          return;
        }
        const attempts = Math.max(0, ...[...envelope.effects.values()].map((e) => e.attempts));
        const lastError = [...envelope.effects.values()].find((e) => e.lastError)?.lastError?.message ?? envelope.failure;
        const status = envelope.status === 'completed' || envelope.status === 'failed'
          ? (envelope.effects.size > 0 ? 'waiting' : envelope.status)
          : envelope.status === 'new' ? 'completed' : 'waiting';
        await recordInstance(this.db, definition.name, processId, { status, wake_at: nextWake(envelope), attempts, last_error: lastError });
        return;
      }
    });
  }

  private async attempt(definition: AnyDefinition, processId: string, envelope: ProcessEnvelope<unknown>, step: string): Promise<void> {
    const effect = envelope.effects.get(step);
    if (!effect) return;
    const executor = this.executors[effect.effect];
    const attempt = effect.attempts + 1;
    const now = this.now();
    const organizationId = this.organizationOf(processId);
    let outcome: { ok: true; result: unknown } | { ok: false; error: ProcessError };
    try {
      if (!executor) throw new FinalEffectError(`no executor for effect ${effect.effect}`);
      const result = await executor(effect.params, {
        effectId: `${definition.name}:${processId}:${step}`, process: definition.name, processId, step, attempt, organizationId, now: now.toISOString(),
      });
      outcome = { ok: true, result: result ?? null };
      this.options.onStep?.(`process:${definition.name}:effect:${effect.effect}:done`);
    } catch (error) {
      outcome = { ok: false, error: processError(error) };
    }
    const at = this.now().toISOString();
    if (outcome.ok) {
      const input: ProcessInput = { kind: 'effect_succeeded', step, effect: effect.effect, result: outcome.result, attempts: attempt, at };
      await this.record(definition, processId, `effect:${step}`, (current) => (current.effects.has(step) ? { input, position: null } : null));
    } else if (outcome.error.final || attempt >= effect.retry.maxAttempts) {
      const input: ProcessInput = { kind: 'effect_failed', step, effect: effect.effect, error: outcome.error, attempts: attempt, at };
      await this.record(definition, processId, `effect:${step}`, (current) => (current.effects.has(step) ? { input, position: null } : null));
    } else {
      const retryAt = new Date(now.getTime() + backoffMs(effect.retry, attempt)).toISOString();
      await this.append(definition, processId, `attempt:${step}:${attempt}`, (current) => {
        const pending = current.effects.get(step);
        return pending && pending.attempts < attempt ? [{
          type: 'ProcessEffectAttemptFailed',
          data: { process: definition.name, process_id: processId, step, effect: effect.effect, attempt, error: outcome.error, retry_at: retryAt },
        }] : null;
      });
    }
  }

  /** Records an input with the outputs `decide` gives for it (none once the process has ended). */
  private record(definition: AnyDefinition, processId: string, key: string,
    inputOf: (envelope: ProcessEnvelope<unknown>) => { input: ProcessInput; position: string | null } | null): Promise<void> {
    return this.append(definition, processId, key, (envelope) => {
      const next = inputOf(envelope);
      if (!next) return null;
      const ended = envelope.status === 'completed' || envelope.status === 'failed';
      const outputs: readonly ProcessOutput[] = ended ? [] : definition.decide(next.input, envelope.state);
      return [{ type: 'ProcessInputRecorded', data: { process: definition.name, process_id: processId, input: next.input, position: next.position, outputs } }];
    });
  }

  /** Appends at the exact revision it decided on; a concurrent writer makes it decide again on the new state. */
  private async append(definition: AnyDefinition, processId: string, key: string,
    decide: (envelope: ProcessEnvelope<unknown>) => ProcessEvent[] | null): Promise<void> {
    const stream = processStream(definition.name, processId);
    for (let attempt = 1; ; attempt++) {
      const { envelope, revision } = await this.load(definition.name, processId);
      const events = decide(envelope);
      if (!events) return;
      const metadata: EventMetadata = {
        organization_id: this.organizationOf(processId), actor: { id: `process:${definition.name}`, kind: 'system' },
        cause: `${definition.name}:${processId}`, correlation_id: `${definition.name}:${processId}`,
        occurred_at: this.now().toISOString(), schema_version: SCHEMA_VERSION,
      };
      try {
        await this.store.append(stream, events.map((event, index) => ({
          id: deterministicEventId(`${stream}:${revision}:${key}`, index), type: event.type, data: event.data, metadata,
        })), revision === -1n ? 'no_stream' : revision);
        this.changes.emit(`${definition.name}:${processId}`);
        this.options.onStep?.(`process:${definition.name}:recorded`);
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= 5) throw error;
      }
    }
  }

  /** Process ids of organization-scoped processes start with the organization id (`org_…:…`). */
  private organizationOf(processId: string): string | null {
    const head = processId.split(':')[0];
    return head.startsWith('org_') ? head : null;
  }

  /** One step at a time per instance within this replica. */
  private async exclusively<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.locks.set(key, next);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === next) this.locks.delete(key);
    }
  }
}

/** Executors signal "final" with FinalEffectError or an error carrying `final: true`, and a reason in `code` or `kind`. */
function processError(error: unknown): ProcessError {
  const fields = typeof error === 'object' && error !== null ? error as { final?: unknown; code?: unknown; kind?: unknown } : {};
  const code = typeof fields.code === 'string' ? fields.code : typeof fields.kind === 'string' ? fields.kind : undefined;
  return {
    message: error instanceof Error ? error.message : String(error),
    final: error instanceof FinalEffectError || fields.final === true,
    ...(code ? { code } : {}),
  };
}
