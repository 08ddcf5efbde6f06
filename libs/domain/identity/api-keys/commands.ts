import { DomainCommand } from '../../shared/event';
import { PrincipalKind } from '../roles';

/**
 * Issues a key. The handler generates the token (`generateApiKeyToken` in libs/auth), shows it
 * once, and passes only its prefix and hash here.
 */
export type IssueApiKey = DomainCommand<'IssueApiKey', {
  readonly key_id: string;
  readonly principal_id: string;
  /**
   * Resolved by the handler from the membership stream (`principalOf(...)?.kind ?? null`);
   * null means no such principal, answered not_found.
   */
  readonly principal_kind: PrincipalKind | null;
  readonly name: string;
  /** `dwc_` + the token's 12-character key id part. */
  readonly token_prefix: string;
  /** SHA-256 of the whole token, lower-case hex. */
  readonly secret_hash: string;
  /** RFC 3339; must be after the command's `now`. Absent or null: never expires. */
  readonly expires_at?: string | null;
}>;

export type RevokeApiKey = DomainCommand<'RevokeApiKey', {
  readonly key_id: string;
  readonly reason?: string | null;
}>;

export type DisableApiKey = DomainCommand<'DisableApiKey', {
  readonly key_id: string;
  readonly reason?: string | null;
}>;

export type EnableApiKey = DomainCommand<'EnableApiKey', {
  readonly key_id: string;
}>;

export type RotateApiKey = DomainCommand<'RotateApiKey', {
  readonly key_id: string;
  readonly new_token_prefix: string;
  readonly new_secret_hash: string;
  /** 0 … 604800 (7 days): how long the credential being replaced keeps working. */
  readonly grace_seconds: number;
}>;

export type ApiKeyCommand = IssueApiKey | RevokeApiKey | DisableApiKey | EnableApiKey | RotateApiKey;
