import { DomainEvent } from '../../shared/event';

export type RuntimeCredentialRole = 'client' | 'worker';

/**
 * A namespace-scoped credential for customer-run workers and clients, created on the runtime
 * target. No event carries the token: only its public prefix and its SHA-256 hash.
 */
export type RuntimeCredentialIssued = DomainEvent<'RuntimeCredentialIssued', {
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
  readonly issued_at: string;
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

export type RuntimeCredentialEvent = RuntimeCredentialIssued | RuntimeCredentialRotated | RuntimeCredentialRevoked;

export const RuntimeCredentialEvent = Object.freeze({
  types: Object.freeze(['RuntimeCredentialIssued', 'RuntimeCredentialRotated', 'RuntimeCredentialRevoked'] as const),
  is: (event: DomainEvent): event is RuntimeCredentialEvent => (RuntimeCredentialEvent.types as readonly string[]).includes(event.type),
});
