import { DomainEvent } from '../../shared/event';

export type RuntimeCredentialRole = 'client' | 'worker';

/** What the intent and the issued credential both record (never the token). */
export interface RuntimeCredentialFacts {
  readonly organization_id: string;
  readonly credential_id: string;
  readonly namespace: string;
  readonly namespace_id: string;
  readonly name: string;
  readonly role: RuntimeCredentialRole;
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly token_prefix: string;
  readonly token_hash: string;
}

/**
 * A namespace-scoped credential for customer-run workers and clients, created on the runtime
 * target. No event carries the token: only its public prefix and its SHA-256 hash.
 */
export type RuntimeCredentialIssued = DomainEvent<'RuntimeCredentialIssued', RuntimeCredentialFacts & { readonly issued_at: string }>;

/** Intent recorded before the target is called (no token, only its prefix and hash). */
export type RuntimeCredentialRequested = DomainEvent<'RuntimeCredentialRequested', RuntimeCredentialFacts & { readonly requested_at: string; readonly abandon_at: string }>;

/** No outcome was recorded in time (the request failed or its process died): whatever the target created is revoked. */
export type RuntimeCredentialAbandoned = DomainEvent<'RuntimeCredentialAbandoned', {
  readonly organization_id: string;
  readonly credential_id: string;
  readonly namespace: string;
  readonly reason: string;
  readonly abandoned_at: string;
}>;

export type RuntimeCredentialRotated = DomainEvent<'RuntimeCredentialRotated', {
  readonly organization_id: string;
  readonly credential_id: string;
  readonly namespace: string;
  readonly token_prefix: string;
  readonly token_hash: string;
  readonly previous_token_prefix: string;
  readonly rotated_at: string;
}>;

export type RuntimeCredentialRevoked = DomainEvent<'RuntimeCredentialRevoked', {
  readonly organization_id: string;
  readonly credential_id: string;
  readonly namespace: string;
  readonly revoked_at: string;
}>;

export type RuntimeCredentialEvent =
  | RuntimeCredentialRequested | RuntimeCredentialIssued | RuntimeCredentialAbandoned | RuntimeCredentialRotated | RuntimeCredentialRevoked;

export const RuntimeCredentialEvent = Object.freeze({
  types: Object.freeze([
    'RuntimeCredentialRequested', 'RuntimeCredentialIssued', 'RuntimeCredentialAbandoned', 'RuntimeCredentialRotated', 'RuntimeCredentialRevoked',
  ] as const),
  is: (event: DomainEvent): event is RuntimeCredentialEvent => (RuntimeCredentialEvent.types as readonly string[]).includes(event.type),
});
