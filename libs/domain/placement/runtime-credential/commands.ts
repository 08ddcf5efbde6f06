import { DomainCommand } from '../../shared/event';
import { RuntimeCredentialRole } from './events';

interface CredentialRequest {
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
 * The intent, recorded before the target is called: if no outcome follows by `abandon_at`, the
 * issuance process revokes whatever the target may have created and records the request abandoned.
 */
export type RequestRuntimeCredential = DomainCommand<'RequestRuntimeCredential', CredentialRequest & { readonly abandon_at: string }>;

/** The target created the credential: the handler passes only the token's prefix and hash, never the token. */
export type IssueRuntimeCredential = DomainCommand<'IssueRuntimeCredential', CredentialRequest>;

export type AbandonRuntimeCredential = DomainCommand<'AbandonRuntimeCredential', { readonly credential_id: string; readonly reason: string }>;

export type RotateRuntimeCredential = DomainCommand<'RotateRuntimeCredential', {
  readonly credential_id: string;
  readonly token_prefix: string;
  readonly token_hash: string;
}>;

export type RevokeRuntimeCredential = DomainCommand<'RevokeRuntimeCredential', { readonly credential_id: string }>;

export type RuntimeCredentialCommand =
  | RequestRuntimeCredential | IssueRuntimeCredential | AbandonRuntimeCredential | RotateRuntimeCredential | RevokeRuntimeCredential;
