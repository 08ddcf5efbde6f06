/**
 * A process manager declared like a decider (after Emmett's workflows): pure `decide` and `evolve` over
 * inputs, with outputs the runner carries out. Time enters through the input (`at`), never a clock.
 */

/** What a process reacts to: an event of the log, an effect's outcome, or one of its timers. */
export type ProcessInput =
  | {
    readonly kind: 'event';
    readonly type: string;
    readonly data: unknown;
    readonly event_id: string;
    readonly stream_id: string;
    /** The event's global position (`<commit>.<prepare>`), for effects that read the log up to it. */
    readonly position: string;
    readonly organization_id: string | null;
    readonly at: string;
  }
  | {
    readonly kind: 'effect_succeeded';
    readonly step: string;
    readonly effect: string;
    readonly result: unknown;
    readonly attempts: number;
    readonly at: string;
  }
  | {
    readonly kind: 'effect_failed';
    readonly step: string;
    readonly effect: string;
    readonly error: ProcessError;
    readonly attempts: number;
    readonly at: string;
  }
  | { readonly kind: 'timer_fired'; readonly step: string; readonly at: string };

export interface ProcessError {
  readonly message: string;
  /** A short machine-readable reason when the executor gave one (`unreachable`, `timeout`, …). */
  readonly code?: string;
  /** Retrying cannot help (a refusal the other side will repeat). */
  readonly final: boolean;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 30_000 });

/**
 * What `decide` asks for. Steps name effects and timers uniquely within a process instance; the effect
 * id given to the executor is derived from process and step, so a repeated step is the same request.
 */
export type ProcessOutput =
  | { readonly kind: 'effect'; readonly step: string; readonly effect: string; readonly params: unknown; readonly retry?: RetryPolicy }
  | { readonly kind: 'timer'; readonly step: string; readonly at: string }
  | { readonly kind: 'cancel_timer'; readonly step: string }
  | { readonly kind: 'complete'; readonly summary?: string }
  | { readonly kind: 'fail'; readonly reason: string };

export interface ProcessEventRef {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly streamId: string;
  readonly organizationId: string | null;
}

export interface ProcessDefinition<State> {
  /** The process type: also its checkpoint, lease and stream-name prefix. */
  readonly name: string;
  /** Event types of the log that become inputs. */
  readonly reactsTo: readonly string[];
  /** Which instance an event belongs to (null: none). It must only read the event. */
  readonly processId: (event: ProcessEventRef) => string | null;
  readonly initialState: () => State;
  readonly decide: (input: ProcessInput, state: State) => readonly ProcessOutput[];
  /** Folds inputs and the outputs decided from them. */
  readonly evolve: (state: State, message: ProcessInput | ProcessOutput) => State;
}

/** The context an effect executor gets: the id to make the call idempotent at the other end. */
export interface EffectContext {
  readonly effectId: string;
  readonly process: string;
  readonly processId: string;
  readonly step: string;
  readonly attempt: number;
  readonly organizationId: string | null;
  readonly now: string;
}

export type EffectExecutor = (params: unknown, context: EffectContext) => Promise<unknown>;

/** An executor's way to say "retrying will not help" (the runner gives up at once and records why). */
export class FinalEffectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FinalEffectError';
  }
}

export const backoffMs = (policy: RetryPolicy, attempt: number): number =>
  Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));

/**
 * The steps a process still waits on: effects decided and without an outcome yet. Processes that fan
 * out (revoke every key, then complete) fold their messages through this.
 */
export function trackOutstanding(outstanding: readonly string[], message: ProcessInput | ProcessOutput): readonly string[] {
  if (message.kind === 'effect') return outstanding.includes(message.step) ? outstanding : [...outstanding, message.step];
  if (message.kind === 'effect_succeeded' || message.kind === 'effect_failed') return outstanding.filter((step) => step !== message.step);
  return outstanding;
}
