import { specFor, testContext } from '../../shared/given-when-then';
import { runtimeCredentialStream } from '../streams';
import { IssueRuntimeCredential, RuntimeCredentialCommand } from './commands';
import { runtimeCredentialDecider } from './decider';
import { RuntimeCredentialEvent } from './events';

const ORG = 'org_test';
const NOW = '2026-05-01T00:00:00.000Z';
const given = specFor(runtimeCredentialDecider);
const context = testContext({ now: NOW });

const issue = (overrides: Partial<IssueRuntimeCredential['data']> = {}): RuntimeCredentialCommand => ({
  type: 'IssueRuntimeCredential',
  data: {
    credential_id: 'rcr_1', namespace: 'orders', namespace_id: 'ns_1', name: 'worker fleet', role: 'worker', runtime_target_id: 'rt_a',
    runtime_namespace: 'abc-orders', token_prefix: 'dwr_AAAAAAAA', token_hash: 'a'.repeat(64), ...overrides,
  },
  context,
});
const ABANDON_AT = '2026-05-01T00:01:00.000Z';
const request = (overrides: Partial<IssueRuntimeCredential['data']> = {}): RuntimeCredentialCommand => {
  const command = issue(overrides) as IssueRuntimeCredential;
  return { ...command, type: 'RequestRuntimeCredential', data: { ...command.data, abandon_at: ABANDON_AT } };
};
const requested: RuntimeCredentialEvent = {
  type: 'RuntimeCredentialRequested',
  data: {
    organization_id: ORG, credential_id: 'rcr_1', namespace: 'orders', namespace_id: 'ns_1', name: 'worker fleet', role: 'worker',
    runtime_target_id: 'rt_a', runtime_namespace: 'abc-orders', token_prefix: 'dwr_AAAAAAAA', token_hash: 'a'.repeat(64),
    requested_at: NOW, abandon_at: ABANDON_AT,
  },
};
const abandon = (): RuntimeCredentialCommand => ({ type: 'AbandonRuntimeCredential', data: { credential_id: 'rcr_1', reason: 'no outcome in time' }, context });
const abandoned: RuntimeCredentialEvent = {
  type: 'RuntimeCredentialAbandoned',
  data: { organization_id: ORG, credential_id: 'rcr_1', namespace: 'orders', reason: 'no outcome in time', abandoned_at: NOW },
};
const issued: RuntimeCredentialEvent = {
  type: 'RuntimeCredentialIssued',
  data: {
    organization_id: ORG, credential_id: 'rcr_1', namespace: 'orders', namespace_id: 'ns_1', name: 'worker fleet', role: 'worker',
    runtime_target_id: 'rt_a', runtime_namespace: 'abc-orders', token_prefix: 'dwr_AAAAAAAA', token_hash: 'a'.repeat(64), issued_at: NOW,
  },
};
const rotate = (token_hash = 'b'.repeat(64)): RuntimeCredentialCommand => ({
  type: 'RotateRuntimeCredential', data: { credential_id: 'rcr_1', token_prefix: 'dwr_BBBBBBBB', token_hash }, context,
});
const revoke = (organization_id = ORG): RuntimeCredentialCommand => ({
  type: 'RevokeRuntimeCredential', data: { credential_id: 'rcr_1' }, context: testContext({ organization_id, now: NOW }),
});
const revoked: RuntimeCredentialEvent = { type: 'RuntimeCredentialRevoked', data: { organization_id: ORG, credential_id: 'rcr_1', namespace: 'orders', revoked_at: NOW } };

describe('runtime credentials', () => {
  it('are streams per organization and credential', () => {
    expect(runtimeCredentialStream('org_1', 'rcr_1')).toBe('runtime_credential-org_1.rcr_1');
  });

  it('record the intent first, then the outcome, with the token prefix and hash only', () => {
    given([]).when(request()).then([requested]);
    given([requested]).when(issue()).then([issued]);
    expect(Object.keys(requested.data)).not.toContain('token');
    expect(Object.keys(issued.data)).not.toContain('token');
  });

  it('issue only what was requested, once', () => {
    given([]).when(issue()).thenFails('already_exists');
    given([requested]).when(request()).thenFails('already_exists');
    given([requested, issued]).when(issue()).thenFails('already_exists');
    given([requested]).when(issue({ token_hash: 'c'.repeat(64) })).thenFails('conflict', /match/);
  });

  it('abandon a request without an outcome, after which its outcome is refused', () => {
    given([requested]).when(abandon()).then([abandoned]);
    given([requested, abandoned]).when(issue()).thenFails('conflict', /abandoned/);
    given([requested, issued]).when(abandon()).then([]);
    given([requested, abandoned]).when(abandon()).then([]);
    given([requested, abandoned]).when(revoke()).thenFails('not_found');
  });

  it.each([
    ['a role the runtime does not know', { role: 'admin' as never }, /role/],
    ['a token as prefix', { token_prefix: `dwr_${'x'.repeat(40)}` }, /token_prefix/],
    ['a token instead of a hash', { token_hash: 'dwr_secret' }, /token_hash/],
    ['an empty name', { name: '' }, /name/],
  ] as const)('refuse %s', (_, overrides, message) => {
    given([]).when(request(overrides)).thenFails('invalid', message);
  });

  it('rotate to a new token, never to the same one, and not once revoked', () => {
    given([requested, issued]).when(rotate()).then([{
      type: 'RuntimeCredentialRotated',
      data: { organization_id: ORG, credential_id: 'rcr_1', namespace: 'orders', token_prefix: 'dwr_BBBBBBBB', token_hash: 'b'.repeat(64), previous_token_prefix: 'dwr_AAAAAAAA', rotated_at: NOW },
    }]);
    given([requested, issued]).when(rotate('a'.repeat(64))).thenFails('invalid', /differ/);
    given([requested, issued, revoked]).when(rotate()).thenFails('conflict', /revoked/);
  });

  it('revoke once; another organization sees no such credential', () => {
    given([requested, issued]).when(revoke()).then([revoked]);
    given([requested, issued, revoked]).when(revoke()).then([]);
    given([requested, issued]).when(revoke('org_other')).thenFails('not_found');
    given([]).when(revoke()).thenFails('not_found');
  });
});
