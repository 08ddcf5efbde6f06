import { DomainEvent } from '../../domain/shared/event';
import { ProcessError, ProcessInput, ProcessOutput } from './process';

/** One stream per process instance; the organization is in the process id where there is one. */
export const processStream = (processName: string, processId: string) => `process_${processName}-${processId}`;

/**
 * An input and the outputs decided from it, recorded together before any output is carried out: a
 * restart replays this and carries out only the outputs that have no recorded outcome.
 */
export type ProcessInputRecorded = DomainEvent<'ProcessInputRecorded', {
  readonly process: string;
  readonly process_id: string;
  readonly input: ProcessInput;
  /** Global position of an event input (`<commit>.<prepare>`), so a re-read of the log is not fed twice. */
  readonly position: string | null;
  readonly outputs: readonly ProcessOutput[];
}>;

/** An effect attempt failed and will be tried again at `retry_at` (a give-up is an `effect_failed` input). */
export type ProcessEffectAttemptFailed = DomainEvent<'ProcessEffectAttemptFailed', {
  readonly process: string;
  readonly process_id: string;
  readonly step: string;
  readonly effect: string;
  readonly attempt: number;
  readonly error: ProcessError;
  readonly retry_at: string;
}>;

export type ProcessEvent = ProcessInputRecorded | ProcessEffectAttemptFailed;

export const ProcessEvent = Object.freeze({
  types: Object.freeze(['ProcessInputRecorded', 'ProcessEffectAttemptFailed'] as const),
  is: (event: { type: string }): event is ProcessEvent => (ProcessEvent.types as readonly string[]).includes(event.type),
});
