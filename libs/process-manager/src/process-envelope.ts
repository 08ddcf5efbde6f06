import { comparePositions, parsePosition } from '../../event-store/src/position';
import { DEFAULT_RETRY, ProcessDefinition, ProcessError, ProcessOutput, RetryPolicy } from './process';
import { ProcessEvent } from './process-events';

export interface PendingEffect {
  readonly step: string;
  readonly effect: string;
  readonly params: unknown;
  readonly retry: RetryPolicy;
  readonly attempts: number;
  /** When the next attempt is due (null: now). */
  readonly retryAt: string | null;
  readonly lastError: ProcessError | null;
}

/** What the runner knows of one instance: the process's own state plus its open effects and timers. */
export interface ProcessEnvelope<S> {
  readonly status: 'new' | 'running' | 'completed' | 'failed';
  readonly state: S;
  readonly effects: ReadonlyMap<string, PendingEffect>;
  readonly timers: ReadonlyMap<string, string>;
  readonly lastPosition: string | null;
  readonly failure: string | null;
  readonly inputs: number;
}

export const newEnvelope = <S>(definition: ProcessDefinition<S>): ProcessEnvelope<S> => ({
  status: 'new', state: definition.initialState(), effects: new Map(), timers: new Map(), lastPosition: null, failure: null, inputs: 0,
});

/** True when the log position was already fed to this instance. */
export const alreadyFed = (envelope: ProcessEnvelope<unknown>, position: string): boolean => {
  if (envelope.lastPosition === null) return false;
  const last = parsePosition(envelope.lastPosition);
  const next = parsePosition(position);
  return last !== null && next !== null && comparePositions(next, last) <= 0;
};

export function evolveEnvelope<S>(definition: ProcessDefinition<S>, envelope: ProcessEnvelope<S>, event: ProcessEvent): ProcessEnvelope<S> {
  switch (event.type) {
    case 'ProcessInputRecorded': {
      const { input, outputs, position } = event.data;
      const effects = new Map(envelope.effects);
      const timers = new Map(envelope.timers);
      if (input.kind === 'effect_succeeded' || input.kind === 'effect_failed') effects.delete(input.step);
      if (input.kind === 'timer_fired') timers.delete(input.step);
      let state = definition.evolve(envelope.state, input);
      let status: ProcessEnvelope<S>['status'] = envelope.status === 'new' ? 'running' : envelope.status;
      let failure = envelope.failure;
      for (const output of outputs) {
        state = definition.evolve(state, output);
        ({ status, failure } = applyOutput(output, effects, timers, status, failure));
      }
      return { ...envelope, state, effects, timers, status, failure, lastPosition: position ?? envelope.lastPosition, inputs: envelope.inputs + 1 };
    }
    case 'ProcessEffectAttemptFailed': {
      const effects = new Map(envelope.effects);
      const pending = effects.get(event.data.step);
      if (pending) effects.set(event.data.step, { ...pending, attempts: event.data.attempt, retryAt: event.data.retry_at, lastError: event.data.error });
      return { ...envelope, effects };
    }
  }
}

function applyOutput(output: ProcessOutput, effects: Map<string, PendingEffect>, timers: Map<string, string>,
  status: ProcessEnvelope<unknown>['status'], failure: string | null) {
  switch (output.kind) {
    case 'effect':
      effects.set(output.step, {
        step: output.step, effect: output.effect, params: output.params, retry: output.retry ?? DEFAULT_RETRY, attempts: 0, retryAt: null, lastError: null,
      });
      return { status, failure };
    case 'timer':
      timers.set(output.step, output.at);
      return { status, failure };
    case 'cancel_timer':
      timers.delete(output.step);
      return { status, failure };
    // A finished process keeps no timers; effects decided with the end are still carried out.
    case 'complete':
      timers.clear();
      return { status: 'completed' as const, failure };
    case 'fail':
      timers.clear();
      return { status: 'failed' as const, failure: output.reason };
  }
}

/** The earliest instant something of this instance is due (null: it waits for an input). */
export function nextWake(envelope: ProcessEnvelope<unknown>): string | null {
  const instants = [...envelope.timers.values(), ...[...envelope.effects.values()].map((e) => e.retryAt ?? new Date(0).toISOString())];
  return instants.length === 0 ? null : instants.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}
