import { assertNever, Decider } from '../../shared/decider';
import { CommandContext } from '../../shared/event';
import { alreadyExists, conflict, invalid, notFound } from '../../shared/errors';
import { nowOf, parseTimestamp, PrincipalKind, requireId, requireOrganizationId } from '../roles';
import { ApiKeyCommand, DisableApiKey, EnableApiKey, IssueApiKey, RevokeApiKey, RotateApiKey } from './commands';
import { ApiKeyEvent } from './events';

/** One stream per API key, scoped by its organization. */
export const apiKeyStream = (organizationId: string, keyId: string): string => `api_key-${organizationId}-${keyId}`;

/** `dwc_` + 12 base62 characters: the public part of a token, shown in listings and used for lookup. */
export const API_KEY_TOKEN_PREFIX_PATTERN = /^dwc_[0-9A-Za-z]{12}$/;
/** SHA-256, lower-case hex. */
export const SECRET_HASH_PATTERN = /^[0-9a-f]{64}$/;
export const MAX_ROTATION_GRACE_SECONDS = 7 * 24 * 60 * 60;
const MAX_NAME_LENGTH = 100;
const MAX_REASON_LENGTH = 500;

export interface ApiKeyCredential {
  readonly token_prefix: string;
  readonly secret_hash: string;
}

/** A replaced credential that still works until `valid_until` (exclusive). */
export interface GraceCredential extends ApiKeyCredential {
  readonly valid_until: string;
}

export interface ApiKeyFacts {
  readonly organization_id: string;
  readonly key_id: string;
  readonly principal_id: string;
  readonly principal_kind: PrincipalKind;
  readonly name: string;
  readonly issued_at: string;
  readonly expires_at: string | null;
  readonly current: ApiKeyCredential;
  /** Credentials replaced by rotations whose grace had not ended at the last rotation. */
  readonly previous: readonly GraceCredential[];
}

export type ApiKeyState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'active' } & ApiKeyFacts)
  | ({ readonly status: 'disabled'; readonly disabled_at: string } & ApiKeyFacts)
  | ({ readonly status: 'revoked'; readonly revoked_at: string } & ApiKeyFacts);

type IssuedKey = Exclude<ApiKeyState, { status: 'absent' }>;

const isExpiredAt = (key: ApiKeyFacts, nowMs: number): boolean =>
  key.expires_at !== null && nowMs >= Date.parse(key.expires_at);

/**
 * The credentials that authenticate at `now`: none unless the key is active and unexpired; then
 * the current one and every replaced one still inside its grace period. Expiry, disabling and
 * revocation end grace credentials too. The caller compares hashes in constant time.
 */
export const validCredentials = (state: ApiKeyState, now: string): readonly ApiKeyCredential[] => {
  if (state.status !== 'active') return [];
  const nowMs = parseTimestamp(now);
  if (nowMs === null || isExpiredAt(state, nowMs)) return [];
  return [
    state.current,
    ...state.previous
      .filter((p) => nowMs < Date.parse(p.valid_until))
      .map(({ token_prefix, secret_hash }): ApiKeyCredential => ({ token_prefix, secret_hash })),
  ];
};

const iso = (context: CommandContext): string => new Date(nowOf(context)).toISOString();

const requireTokenPrefix = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || !API_KEY_TOKEN_PREFIX_PATTERN.test(value)) {
    throw invalid(`${field} must be 'dwc_' followed by 12 letters or digits`, field);
  }
  return value;
};

const requireSecretHash = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || !SECRET_HASH_PATTERN.test(value)) {
    throw invalid(`${field} must be a SHA-256 hash in lower-case hex`, field);
  }
  return value;
};

const optionalReason = (value: unknown): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > MAX_REASON_LENGTH) {
    throw invalid(`reason must be a string of at most ${MAX_REASON_LENGTH} characters`, 'reason');
  }
  const reason = value.trim();
  return reason.length === 0 ? null : reason;
};

const requireKey = (state: ApiKeyState, keyId: string, organizationId: string): IssuedKey => {
  if (state.status === 'absent' || state.key_id !== keyId || state.organization_id !== organizationId) {
    throw notFound('api key', 'key_id');
  }
  return state;
};

const issue = (command: IssueApiKey, state: ApiKeyState): readonly ApiKeyEvent[] => {
  const { context, data } = command;
  const organizationId = requireOrganizationId(context);
  const keyId = requireId(data.key_id, 'key_id');
  const principalId = requireId(data.principal_id, 'principal_id');
  const name = typeof data.name === 'string' ? data.name.trim() : '';
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw invalid(`name must be 1–${MAX_NAME_LENGTH} characters`, 'name');
  }
  const tokenPrefix = requireTokenPrefix(data.token_prefix, 'token_prefix');
  const secretHash = requireSecretHash(data.secret_hash, 'secret_hash');
  const nowMs = nowOf(context);
  let expiresAt: string | null = null;
  if (data.expires_at !== undefined && data.expires_at !== null) {
    const expiresMs = parseTimestamp(data.expires_at);
    if (expiresMs === null) throw invalid('expires_at must be an RFC 3339 timestamp', 'expires_at');
    if (expiresMs <= nowMs) throw invalid('expires_at must be in the future', 'expires_at');
    expiresAt = new Date(expiresMs).toISOString();
  }
  if (data.principal_kind === null) throw notFound('principal', 'principal_id');
  if (!PrincipalKind.is(data.principal_kind)) throw invalid('principal_kind is not a principal kind', 'principal_kind');
  if (state.status !== 'absent') throw alreadyExists('api key', 'key_id');
  return [{
    type: 'ApiKeyIssued',
    data: {
      organization_id: organizationId,
      key_id: keyId,
      principal_id: principalId,
      principal_kind: data.principal_kind,
      name,
      token_prefix: tokenPrefix,
      secret_hash: secretHash,
      issued_at: new Date(nowMs).toISOString(),
      expires_at: expiresAt,
    },
  }];
};

/** Revoking is final; revoking a revoked key changes nothing. */
const revoke = (command: RevokeApiKey, state: ApiKeyState): readonly ApiKeyEvent[] => {
  const organizationId = requireOrganizationId(command.context);
  const keyId = requireId(command.data.key_id, 'key_id');
  const reason = optionalReason(command.data.reason);
  const key = requireKey(state, keyId, organizationId);
  if (key.status === 'revoked') return [];
  return [{ type: 'ApiKeyRevoked', data: { organization_id: organizationId, key_id: keyId, reason, revoked_at: iso(command.context) } }];
};

const disable = (command: DisableApiKey, state: ApiKeyState): readonly ApiKeyEvent[] => {
  const organizationId = requireOrganizationId(command.context);
  const keyId = requireId(command.data.key_id, 'key_id');
  const reason = optionalReason(command.data.reason);
  const key = requireKey(state, keyId, organizationId);
  switch (key.status) {
    case 'revoked': throw conflict('a revoked api key cannot be disabled', 'key_id');
    case 'disabled': return [];
    case 'active':
      return [{ type: 'ApiKeyDisabled', data: { organization_id: organizationId, key_id: keyId, reason, disabled_at: iso(command.context) } }];
    default: return assertNever(key);
  }
};

const enable = (command: EnableApiKey, state: ApiKeyState): readonly ApiKeyEvent[] => {
  const organizationId = requireOrganizationId(command.context);
  const keyId = requireId(command.data.key_id, 'key_id');
  const key = requireKey(state, keyId, organizationId);
  switch (key.status) {
    case 'revoked': throw conflict('a revoked api key cannot be enabled', 'key_id');
    case 'active': return [];
    case 'disabled':
      return [{ type: 'ApiKeyEnabled', data: { organization_id: organizationId, key_id: keyId, enabled_at: iso(command.context) } }];
    default: return assertNever(key);
  }
};

/**
 * Replaces the key's credential; the key id, name, principal and expiry stay. Allowed on an active
 * or a disabled key (rotate a suspect key while it is disabled, then enable it), not on a revoked
 * or an expired one.
 */
const rotate = (command: RotateApiKey, state: ApiKeyState): readonly ApiKeyEvent[] => {
  const { context, data } = command;
  const organizationId = requireOrganizationId(context);
  const keyId = requireId(data.key_id, 'key_id');
  const tokenPrefix = requireTokenPrefix(data.new_token_prefix, 'new_token_prefix');
  const secretHash = requireSecretHash(data.new_secret_hash, 'new_secret_hash');
  const grace = data.grace_seconds;
  if (typeof grace !== 'number' || !Number.isSafeInteger(grace) || grace < 0 || grace > MAX_ROTATION_GRACE_SECONDS) {
    throw invalid(`grace_seconds must be a whole number from 0 to ${MAX_ROTATION_GRACE_SECONDS}`, 'grace_seconds');
  }
  const nowMs = nowOf(context);
  const key = requireKey(state, keyId, organizationId);
  if (key.status === 'revoked') throw conflict('a revoked api key cannot be rotated', 'key_id');
  if (isExpiredAt(key, nowMs)) throw conflict('an expired api key cannot be rotated; issue a new one', 'key_id');
  const known = [key.current, ...key.previous];
  if (known.some((c) => c.token_prefix === tokenPrefix)) throw invalid('new_token_prefix must differ from the key\'s prefixes', 'new_token_prefix');
  if (known.some((c) => c.secret_hash === secretHash)) throw invalid('new_secret_hash must differ from the key\'s hashes', 'new_secret_hash');
  return [{
    type: 'ApiKeyRotated',
    data: {
      organization_id: organizationId,
      key_id: keyId,
      token_prefix: tokenPrefix,
      secret_hash: secretHash,
      previous_token_prefix: key.current.token_prefix,
      grace_seconds: grace,
      previous_valid_until: new Date(nowMs + grace * 1000).toISOString(),
      rotated_at: new Date(nowMs).toISOString(),
    },
  }];
};

export const decide = (command: ApiKeyCommand, state: ApiKeyState): readonly ApiKeyEvent[] => {
  switch (command.type) {
    case 'IssueApiKey': return issue(command, state);
    case 'RevokeApiKey': return revoke(command, state);
    case 'DisableApiKey': return disable(command, state);
    case 'EnableApiKey': return enable(command, state);
    case 'RotateApiKey': return rotate(command, state);
    default: return assertNever(command);
  }
};

/** The facts of an issued key, without its status fields. */
const factsOf = (key: IssuedKey): ApiKeyFacts => ({
  organization_id: key.organization_id,
  key_id: key.key_id,
  principal_id: key.principal_id,
  principal_kind: key.principal_kind,
  name: key.name,
  issued_at: key.issued_at,
  expires_at: key.expires_at,
  current: key.current,
  previous: key.previous,
});

export const evolve = (state: ApiKeyState, event: ApiKeyEvent): ApiKeyState => {
  if (event.type === 'ApiKeyIssued') {
    const { organization_id, key_id, principal_id, principal_kind, name, token_prefix, secret_hash, issued_at, expires_at } = event.data;
    return {
      status: 'active',
      organization_id, key_id, principal_id, principal_kind, name, issued_at, expires_at,
      current: { token_prefix, secret_hash },
      previous: [],
    };
  }
  // Later events on a key that was never issued cannot come from this decider: ignore them.
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'ApiKeyRevoked':
      return { ...factsOf(state), status: 'revoked', revoked_at: event.data.revoked_at };
    case 'ApiKeyDisabled':
      return state.status === 'revoked' ? state : { ...factsOf(state), status: 'disabled', disabled_at: event.data.disabled_at };
    case 'ApiKeyEnabled':
      return state.status === 'revoked' ? state : { ...factsOf(state), status: 'active' };
    case 'ApiKeyRotated': {
      const rotatedMs = Date.parse(event.data.rotated_at);
      const previous = [...state.previous, { ...state.current, valid_until: event.data.previous_valid_until }]
        .filter((p) => Date.parse(p.valid_until) > rotatedMs);
      return { ...state, current: { token_prefix: event.data.token_prefix, secret_hash: event.data.secret_hash }, previous };
    }
    default:
      return assertNever(event);
  }
};

export const initialState = (): ApiKeyState => ({ status: 'absent' });

export const apiKeyDecider: Decider<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = Object.freeze({
  initialState,
  decide,
  evolve,
});
