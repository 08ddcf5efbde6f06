import { ActorKind, DomainEvent } from '../shared/event';

/**
 * How the request fared against Cloud's own checks. `allowed` commands were forwarded (whatever
 * the runtime then answered); every other value is a refusal that never reached the runtime.
 */
export type AuthOutcome = 'allowed' | 'forbidden' | 'not_found' | 'path_not_allowed' | 'billing_restricted' | 'not_placed';
export const AUTH_OUTCOMES: readonly AuthOutcome[] = Object.freeze(['allowed', 'forbidden', 'not_found', 'path_not_allowed', 'billing_restricted', 'not_placed']);

export interface ActorSummary {
  readonly id: string;
  readonly kind: ActorKind;
  readonly key_id: string | null;
  /** E-mail of a user or name of a service account, as the request authenticated. */
  readonly display: string | null;
}

/** The command facts of one forwarded or refused runtime command. */
export interface RuntimeCommandFacts {
  readonly organization_id: string;
  /** Cloud's audit id; sent to the runtime as X-Request-Id. */
  readonly audit_id: string;
  readonly correlation_id: string;
  readonly namespace: string;
  readonly actor: ActorSummary;
  readonly capability: string;
  readonly resource: { readonly namespace: string; readonly method: string; readonly path: string };
  readonly auth_outcome: AuthOutcome;
  readonly request_fingerprint: string;
  readonly runtime_target_id: string | null;
  readonly runtime_namespace: string | null;
  /** The runtime's HTTP status; null when no answer came (refused, unreachable, timeout). */
  readonly runtime_status: number | null;
  /**
   * The runtime's `outcome` (`started_new`, `signal_received`, …) or `completed`/`rejected`/`failed` by
   * status class; `unreachable` or `timeout` when it did not answer; `not_forwarded` for refusals.
   */
  readonly runtime_outcome: string;
  readonly duration_ms: number;
  readonly occurred_at: string;
}

export type RuntimeCommandForwarded = DomainEvent<'RuntimeCommandForwarded', RuntimeCommandFacts>;
/** `status` and `reason` are what Cloud answered the caller. */
export type RuntimeCommandRefused = DomainEvent<'RuntimeCommandRefused', RuntimeCommandFacts & { readonly status: number; readonly reason: string }>;

export type RuntimeCommandEvent = RuntimeCommandForwarded | RuntimeCommandRefused;

export const RuntimeCommandEvent = Object.freeze({
  types: Object.freeze(['RuntimeCommandForwarded', 'RuntimeCommandRefused'] as const),
});

/**
 * Cloud accepted the command (every check passed) and is about to send it to the runtime target:
 * recorded before the call, so a command whose outcome never arrives (a crash, a lost answer) still
 * leaves its acceptance in the audit log. The outcome follows in the same stream
 * (`RuntimeCommandForwarded`), linked by `audit_id`.
 */
export type RuntimeCommandAccepted = DomainEvent<'RuntimeCommandAccepted', Omit<RuntimeCommandFacts,
  'auth_outcome' | 'runtime_status' | 'runtime_outcome' | 'duration_ms' | 'occurred_at'> & { readonly accepted_at: string }>;

export const RuntimeCommandAcceptedEvent = Object.freeze({ types: Object.freeze(['RuntimeCommandAccepted'] as const) });
