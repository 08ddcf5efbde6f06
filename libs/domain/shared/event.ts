/** Who caused a change: a user, a service account, the platform operator, or Cloud itself (saga, prober). */
export type ActorKind = 'user' | 'service_account' | 'operator' | 'system' | 'runtime_target';

export interface Actor {
  readonly id: string;
  readonly kind: ActorKind;
  /** Id of the API key the request came with, when there was one (never the secret). */
  readonly key_id?: string;
}

/** Metadata carried by every event; it enters through the command, never from a clock or RNG in the domain. */
export interface EventMetadata {
  readonly organization_id: string | null;
  readonly actor: Actor;
  /** Request id / Cloud audit id of the request that caused the event. */
  readonly cause: string;
  readonly correlation_id: string;
  readonly occurred_at: string;
  readonly schema_version: number;
}

/** A domain event as the domain sees it: stable type string, plain readonly data. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** What a command brings besides its payload: ids and the instant, so deciders stay pure. */
export interface CommandContext {
  /** Unique per logical command; event ids derive from it, so a retried command appends nothing new. */
  readonly command_id: string;
  readonly organization_id: string | null;
  readonly actor: Actor;
  readonly request_id: string;
  readonly correlation_id: string;
  readonly now: string;
}

export interface DomainCommand<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly context: CommandContext;
}
