import { DomainCommand } from '../../shared/event';
import { RuntimeCredentialRole } from './events';

/** The handler generates the token, creates it on the target, and passes only its prefix and hash. */
export type IssueRuntimeCredential = DomainCommand<'IssueRuntimeCredential', {
  readonly credential_id: string;
  readonly namespace: string;
  readonly namespace_id: string;
  readonly name: string;
  readonly role: RuntimeCredentialRole;
  readonly runtime_target_id: string;
  readonly runtime_namespace: string;
  readonly token_prefix: string;
  readonly token_hash: string;
}>;

export type RotateRuntimeCredential = DomainCommand<'RotateRuntimeCredential', {
  readonly credential_id: string;
  readonly token_prefix: string;
  readonly token_hash: string;
}>;

export type RevokeRuntimeCredential = DomainCommand<'RevokeRuntimeCredential', { readonly credential_id: string }>;

export type RuntimeCredentialCommand = IssueRuntimeCredential | RotateRuntimeCredential | RevokeRuntimeCredential;
