import { fold } from '../../shared/decider';
import { specFor, testContext } from '../../shared/given-when-then';
import { ApiKeyCommand, IssueApiKey } from './commands';
import { apiKeyDecider, apiKeyStream, MAX_ROTATION_GRACE_SECONDS, validCredentials } from './decider';
import { ApiKeyEvent } from './events';

const ORG = 'org_test';
const NOW = '2026-05-01T00:00:00.000Z';
const EARLIER = '2026-04-01T00:00:00.000Z';
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const HASH_C = 'c'.repeat(64);
const PREFIX_A = 'dwc_AAAAAAAAAAAA';
const PREFIX_B = 'dwc_BBBBBBBBBBBB';
const PREFIX_C = 'dwc_CCCCCCCCCCCC';

const given = specFor(apiKeyDecider);
const context = (now = NOW) => testContext({ now });

const issue = (overrides: Partial<IssueApiKey['data']> = {}): ApiKeyCommand => ({
  type: 'IssueApiKey',
  data: { key_id: 'key_1', principal_id: 'usr_dev', principal_kind: 'user', name: 'ci', token_prefix: PREFIX_A, secret_hash: HASH_A, ...overrides },
  context: context(),
});
const rotate = (new_token_prefix: string, new_secret_hash: string, grace_seconds: number, now = NOW): ApiKeyCommand => ({
  type: 'RotateApiKey', data: { key_id: 'key_1', new_token_prefix, new_secret_hash, grace_seconds }, context: context(now),
});
const revoke = (reason?: string): ApiKeyCommand => ({ type: 'RevokeApiKey', data: { key_id: 'key_1', reason }, context: context() });
const disable = (reason?: string): ApiKeyCommand => ({ type: 'DisableApiKey', data: { key_id: 'key_1', reason }, context: context() });
const enable = (): ApiKeyCommand => ({ type: 'EnableApiKey', data: { key_id: 'key_1' }, context: context() });

const issued = (expires_at: string | null = null): ApiKeyEvent => ({
  type: 'ApiKeyIssued',
  data: {
    organization_id: ORG, key_id: 'key_1', principal_id: 'usr_dev', principal_kind: 'user', name: 'ci',
    token_prefix: PREFIX_A, secret_hash: HASH_A, issued_at: EARLIER, expires_at,
  },
});
const revoked: ApiKeyEvent = { type: 'ApiKeyRevoked', data: { organization_id: ORG, key_id: 'key_1', reason: null, revoked_at: EARLIER } };
const disabled: ApiKeyEvent = { type: 'ApiKeyDisabled', data: { organization_id: ORG, key_id: 'key_1', reason: null, disabled_at: EARLIER } };
const enabled: ApiKeyEvent = { type: 'ApiKeyEnabled', data: { organization_id: ORG, key_id: 'key_1', enabled_at: EARLIER } };
const rotated = (token_prefix: string, secret_hash: string, previous_token_prefix: string, rotated_at: string, grace_seconds: number): ApiKeyEvent => ({
  type: 'ApiKeyRotated',
  data: {
    organization_id: ORG, key_id: 'key_1', token_prefix, secret_hash, previous_token_prefix, grace_seconds,
    previous_valid_until: new Date(Date.parse(rotated_at) + grace_seconds * 1000).toISOString(), rotated_at,
  },
});

const stateAfter = (events: readonly ApiKeyEvent[]) => fold(apiKeyDecider, events);
const hashesAt = (events: readonly ApiKeyEvent[], now: string) => validCredentials(stateAfter(events), now).map((c) => c.secret_hash);

describe('api key stream', () => {
  it('is named per organization and key', () => {
    expect(apiKeyStream('org_1', 'key_9')).toBe('api_key-org_1-key_9');
  });
});

describe('IssueApiKey', () => {
  it('issues a key that never expires', () => {
    given([]).when(issue()).then([{
      type: 'ApiKeyIssued',
      data: {
        organization_id: ORG, key_id: 'key_1', principal_id: 'usr_dev', principal_kind: 'user', name: 'ci',
        token_prefix: PREFIX_A, secret_hash: HASH_A, issued_at: NOW, expires_at: null,
      },
    }]);
  });

  it('issues a key with an expiry, normalized to UTC', () => {
    given([]).when(issue({ expires_at: '2026-06-01T02:00:00+02:00', principal_kind: 'service_account', principal_id: 'sa_ci', name: '  deploy  ' })).then([{
      type: 'ApiKeyIssued',
      data: {
        organization_id: ORG, key_id: 'key_1', principal_id: 'sa_ci', principal_kind: 'service_account', name: 'deploy',
        token_prefix: PREFIX_A, secret_hash: HASH_A, issued_at: NOW, expires_at: '2026-06-01T00:00:00.000Z',
      },
    }]);
  });

  it.each([NOW, '2026-04-30T23:59:59Z'])('refuses an expiry that is not after now (%s)', (expires_at) => {
    given([]).when(issue({ expires_at })).thenFails('invalid', /future/);
  });

  it.each(['tomorrow', '2026-06-01', '2026-06-01T00:00:00', '2026-13-01T00:00:00Z'])('refuses the expiry %j', (expires_at) => {
    given([]).when(issue({ expires_at })).thenFails('invalid', /expires_at/);
  });

  it('never carries a secret: the event holds the prefix and the hash only', () => {
    const [event] = apiKeyDecider.decide(issue(), apiKeyDecider.initialState());
    expect(Object.keys(event.data).sort()).toEqual(
      ['expires_at', 'issued_at', 'key_id', 'name', 'organization_id', 'principal_id', 'principal_kind', 'secret_hash', 'token_prefix'],
    );
  });

  it.each([
    ['a token as prefix', { token_prefix: `${PREFIX_A}_${'s'.repeat(43)}` }, /token_prefix/],
    ['a prefix without dwc_', { token_prefix: 'key_AAAAAAAAAAAA' }, /token_prefix/],
    ['a short prefix', { token_prefix: 'dwc_AAAA' }, /token_prefix/],
    ['an upper-case hash', { secret_hash: 'A'.repeat(64) }, /secret_hash/],
    ['a short hash', { secret_hash: 'a'.repeat(63) }, /secret_hash/],
    ['a secret instead of a hash', { secret_hash: 'correct horse battery staple' }, /secret_hash/],
    ['an empty name', { name: '   ' }, /name/],
    ['an over-long name', { name: 'n'.repeat(101) }, /name/],
    ['a malformed key id', { key_id: 'key 1' }, /key_id/],
  ] as const)('refuses %s', (_, overrides, message) => {
    given([]).when(issue(overrides)).thenFails('invalid', message);
  });

  it('answers not_found for a principal the handler could not resolve', () => {
    given([]).when(issue({ principal_kind: null })).thenFails('not_found', /principal/);
  });

  it('refuses to issue a key id twice', () => {
    given([issued()]).when(issue()).thenFails('already_exists');
    given([issued(), revoked]).when(issue()).thenFails('already_exists');
  });
});

describe('RevokeApiKey', () => {
  it('revokes an active or a disabled key', () => {
    given([issued()]).when(revoke('leaked in CI logs')).then([
      { type: 'ApiKeyRevoked', data: { organization_id: ORG, key_id: 'key_1', reason: 'leaked in CI logs', revoked_at: NOW } },
    ]);
    given([issued(), disabled]).when(revoke()).then([
      { type: 'ApiKeyRevoked', data: { organization_id: ORG, key_id: 'key_1', reason: null, revoked_at: NOW } },
    ]);
  });

  it('is a no-op on a revoked key', () => {
    given([issued(), revoked]).when(revoke()).then([]);
  });

  it('answers not_found for a key that was never issued or belongs to another organization', () => {
    given([]).when(revoke()).thenFails('not_found');
    given([issued()]).when({ type: 'RevokeApiKey', data: { key_id: 'key_2' }, context: context() }).thenFails('not_found');
    given([issued()]).when({ type: 'RevokeApiKey', data: { key_id: 'key_1' }, context: testContext({ organization_id: 'org_other' }) })
      .thenFails('not_found');
  });

  it('refuses an over-long reason', () => {
    given([issued()]).when(revoke('r'.repeat(501))).thenFails('invalid', /reason/);
  });
});

describe('DisableApiKey and EnableApiKey', () => {
  it('disables an active key and enables it again', () => {
    given([issued()]).when(disable('suspicious traffic')).then([
      { type: 'ApiKeyDisabled', data: { organization_id: ORG, key_id: 'key_1', reason: 'suspicious traffic', disabled_at: NOW } },
    ]);
    given([issued(), disabled]).when(enable()).then([
      { type: 'ApiKeyEnabled', data: { organization_id: ORG, key_id: 'key_1', enabled_at: NOW } },
    ]);
  });

  it('is a no-op when the key is already in the asked state', () => {
    given([issued(), disabled]).when(disable()).then([]);
    given([issued()]).when(enable()).then([]);
    given([issued(), disabled, enabled]).when(enable()).then([]);
  });

  it('cannot bring a revoked key back, nor disable it', () => {
    given([issued(), revoked]).when(enable()).thenFails('conflict', /revoked/);
    given([issued(), disabled, revoked]).when(enable()).thenFails('conflict', /revoked/);
    given([issued(), revoked]).when(disable()).thenFails('conflict', /revoked/);
  });

  it('answers not_found for a missing key', () => {
    given([]).when(disable()).thenFails('not_found');
    given([]).when(enable()).thenFails('not_found');
  });
});

describe('RotateApiKey', () => {
  it('replaces the credential and keeps the old one valid for the grace period', () => {
    given([issued()]).when(rotate(PREFIX_B, HASH_B, 3600)).then([rotated(PREFIX_B, HASH_B, PREFIX_A, NOW, 3600)]);
    expect(rotated(PREFIX_B, HASH_B, PREFIX_A, NOW, 3600).data).toMatchObject({ previous_valid_until: '2026-05-01T01:00:00.000Z' });
  });

  it('rotates a disabled key (rotate a suspect key, then enable it)', () => {
    given([issued(), disabled]).when(rotate(PREFIX_B, HASH_B, 0)).then([rotated(PREFIX_B, HASH_B, PREFIX_A, NOW, 0)]);
  });

  it('refuses a revoked or an expired key', () => {
    given([issued(), revoked]).when(rotate(PREFIX_B, HASH_B, 60)).thenFails('conflict', /revoked/);
    given([issued('2026-04-15T00:00:00.000Z')]).when(rotate(PREFIX_B, HASH_B, 60)).thenFails('conflict', /expired/);
    given([issued(NOW)]).when(rotate(PREFIX_B, HASH_B, 60)).thenFails('conflict', /expired/);
  });

  it.each([-1, 1.5, MAX_ROTATION_GRACE_SECONDS + 1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a grace of %p seconds', (grace) => {
    given([issued()]).when(rotate(PREFIX_B, HASH_B, grace)).thenFails('invalid', /grace_seconds/);
  });

  it('accepts the longest grace', () => {
    given([issued()]).when(rotate(PREFIX_B, HASH_B, MAX_ROTATION_GRACE_SECONDS))
      .then([rotated(PREFIX_B, HASH_B, PREFIX_A, NOW, MAX_ROTATION_GRACE_SECONDS)]);
  });

  it('refuses to reuse a prefix or hash the key has held', () => {
    given([issued()]).when(rotate(PREFIX_A, HASH_B, 60)).thenFails('invalid', /new_token_prefix/);
    given([issued()]).when(rotate(PREFIX_B, HASH_A, 60)).thenFails('invalid', /new_secret_hash/);
    given([issued(), rotated(PREFIX_B, HASH_B, PREFIX_A, EARLIER, 86_400 * 60)]).when(rotate(PREFIX_A, HASH_C, 60)).thenFails('invalid');
  });

  it('refuses malformed new credentials', () => {
    given([issued()]).when(rotate('dwc_short', HASH_B, 60)).thenFails('invalid', /new_token_prefix/);
    given([issued()]).when(rotate(PREFIX_B, 'nothex', 60)).thenFails('invalid', /new_secret_hash/);
  });

  it('answers not_found for a missing key', () => {
    given([]).when(rotate(PREFIX_B, HASH_B, 60)).thenFails('not_found');
  });
});

describe('validCredentials', () => {
  it('accepts the current credential of an active key', () => {
    expect(validCredentials(stateAfter([issued()]), NOW)).toEqual([{ token_prefix: PREFIX_A, secret_hash: HASH_A }]);
  });

  it('accepts nothing from a missing, disabled or revoked key', () => {
    expect(hashesAt([], NOW)).toEqual([]);
    expect(hashesAt([issued(), disabled], NOW)).toEqual([]);
    expect(hashesAt([issued(), revoked], NOW)).toEqual([]);
    expect(hashesAt([issued(), disabled, enabled], NOW)).toEqual([HASH_A]);
  });

  it('accepts nothing at or after expiry', () => {
    const events = [issued('2026-05-01T00:00:00.000Z')];
    expect(hashesAt(events, '2026-04-30T23:59:59.999Z')).toEqual([HASH_A]);
    expect(hashesAt(events, NOW)).toEqual([]);
  });

  it('accepts the replaced credential until the grace ends, exclusive', () => {
    const events = [issued(), rotated(PREFIX_B, HASH_B, PREFIX_A, NOW, 60)];
    expect(hashesAt(events, NOW)).toEqual([HASH_B, HASH_A]);
    expect(hashesAt(events, '2026-05-01T00:00:59.999Z')).toEqual([HASH_B, HASH_A]);
    expect(hashesAt(events, '2026-05-01T00:01:00.000Z')).toEqual([HASH_B]);
  });

  it('does not accept the replaced credential with a zero grace', () => {
    expect(hashesAt([issued(), rotated(PREFIX_B, HASH_B, PREFIX_A, NOW, 0)], NOW)).toEqual([HASH_B]);
  });

  it('keeps an earlier grace running across a second rotation', () => {
    const events = [
      issued(),
      rotated(PREFIX_B, HASH_B, PREFIX_A, NOW, 3600),
      rotated(PREFIX_C, HASH_C, PREFIX_B, '2026-05-01T00:10:00.000Z', 60),
    ];
    expect(hashesAt(events, '2026-05-01T00:10:30.000Z')).toEqual([HASH_C, HASH_A, HASH_B]);
    expect(hashesAt(events, '2026-05-01T00:30:00.000Z')).toEqual([HASH_C, HASH_A]);
    expect(hashesAt(events, '2026-05-01T01:00:00.000Z')).toEqual([HASH_C]);
  });

  it('ends grace credentials when the key is disabled, revoked or expires', () => {
    const events = [issued('2026-05-01T00:30:00.000Z'), rotated(PREFIX_B, HASH_B, PREFIX_A, NOW, 3600)];
    expect(hashesAt(events, '2026-05-01T00:29:00.000Z')).toEqual([HASH_B, HASH_A]);
    expect(hashesAt(events, '2026-05-01T00:30:00.000Z')).toEqual([]);
    expect(hashesAt([...events, disabled], NOW)).toEqual([]);
    expect(hashesAt([...events, revoked], NOW)).toEqual([]);
  });

  it('accepts nothing for an instant it cannot read', () => {
    expect(hashesAt([issued()], 'not a time')).toEqual([]);
  });
});

describe('evolve', () => {
  it('forgets replaced credentials whose grace had ended by the next rotation', () => {
    const state = stateAfter([
      issued(),
      rotated(PREFIX_B, HASH_B, PREFIX_A, EARLIER, 60),
      rotated(PREFIX_C, HASH_C, PREFIX_B, NOW, 0),
    ]);
    expect(state.status === 'active' && state.previous).toEqual([]);
    // …so a long-gone prefix may come back in a later rotation.
    given([issued(), rotated(PREFIX_B, HASH_B, PREFIX_A, EARLIER, 60), rotated(PREFIX_C, HASH_C, PREFIX_B, NOW, 0)])
      .when(rotate(PREFIX_A, 'd'.repeat(64), 0)).then([rotated(PREFIX_A, 'd'.repeat(64), PREFIX_C, NOW, 0)]);
  });

  it('keeps a revoked key revoked whatever follows it in the stream', () => {
    expect(stateAfter([issued(), revoked, enabled]).status).toBe('revoked');
    expect(stateAfter([issued(), revoked, disabled]).status).toBe('revoked');
  });

  it('ignores events on a key that was never issued', () => {
    expect(stateAfter([enabled, revoked])).toEqual({ status: 'absent' });
  });
});
