import { DomainEvent } from '../../shared/event';

/** The platform's audit signing keys: one stream, platform-wide (organization null). Never carries a private key. */
export const AUDIT_SIGNING_KEYS_STREAM = 'audit_signing_keys-platform';

export type AuditSigningKeyRegistered = DomainEvent<'AuditSigningKeyRegistered', {
  /** First 16 hex digits of the sha256 of the public key's SPKI DER. */
  readonly key_id: string;
  readonly algorithm: 'Ed25519';
  readonly public_key_pem: string;
  readonly registered_at: string;
}>;

/** A key stops signing (rotation); its checkpoints stay verifiable with its public key. */
export type AuditSigningKeyRetired = DomainEvent<'AuditSigningKeyRetired', {
  readonly key_id: string;
  readonly replaced_by: string;
  readonly retired_at: string;
}>;

export type AuditSigningKeyEvent = AuditSigningKeyRegistered | AuditSigningKeyRetired;
export const AuditSigningKeyEvent = Object.freeze({
  types: Object.freeze(['AuditSigningKeyRegistered', 'AuditSigningKeyRetired'] as const),
});
