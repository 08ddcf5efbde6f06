import { DomainEvent } from '../../shared/event';
import { PrincipalKind } from '../roles';

/**
 * No event ever carries a token or a secret: only the token's public prefix (`dwc_` + key id
 * part, used to look the key up) and the SHA-256 hash of the whole token.
 */

export type ApiKeyIssued = DomainEvent<'ApiKeyIssued', {
  readonly organization_id: string;
  readonly key_id: string;
  readonly principal_id: string;
  readonly principal_kind: PrincipalKind;
  readonly name: string;
  readonly token_prefix: string;
  readonly secret_hash: string;
  readonly issued_at: string;
  readonly expires_at: string | null;
}>;

export type ApiKeyRevoked = DomainEvent<'ApiKeyRevoked', {
  readonly organization_id: string;
  readonly key_id: string;
  readonly reason: string | null;
  readonly revoked_at: string;
}>;

export type ApiKeyDisabled = DomainEvent<'ApiKeyDisabled', {
  readonly organization_id: string;
  readonly key_id: string;
  readonly reason: string | null;
  readonly disabled_at: string;
}>;

export type ApiKeyEnabled = DomainEvent<'ApiKeyEnabled', {
  readonly organization_id: string;
  readonly key_id: string;
  readonly enabled_at: string;
}>;

/** The new credential becomes current; the one it replaces stays valid until `previous_valid_until`. */
export type ApiKeyRotated = DomainEvent<'ApiKeyRotated', {
  readonly organization_id: string;
  readonly key_id: string;
  readonly token_prefix: string;
  readonly secret_hash: string;
  readonly previous_token_prefix: string;
  readonly grace_seconds: number;
  readonly previous_valid_until: string;
  readonly rotated_at: string;
}>;

export type ApiKeyEvent = ApiKeyIssued | ApiKeyRevoked | ApiKeyDisabled | ApiKeyEnabled | ApiKeyRotated;

export const ApiKeyEvent = Object.freeze({
  types: Object.freeze(['ApiKeyIssued', 'ApiKeyRevoked', 'ApiKeyDisabled', 'ApiKeyEnabled', 'ApiKeyRotated'] as const),
  is: (event: DomainEvent): event is ApiKeyEvent => (ApiKeyEvent.types as readonly string[]).includes(event.type),
});
