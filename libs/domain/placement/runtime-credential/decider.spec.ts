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

  it('issue with the token prefix and hash only', () => {
    given([]).when(issue()).then([issued]);
    expect(Object.keys(issued.data)).not.toContain('token');
  });

  it.each([
    ['a role the runtime does not know', { role: 'admin' as never }, /role/],
    ['a token as prefix', { token_prefix: `dwr_${'x'.repeat(40)}` }, /token_prefix/],
    ['a token instead of a hash', { token_hash: 'dwr_secret' }, /token_hash/],
    ['an empty name', { name: '' }, /name/],
  ] as const)('refuse %s', (_, overrides, message) => {
    given([]).when(issue(overrides)).thenFails('invalid', message);
  });

  it('rotate to a new token, never to the same one, and not once revoked', () => {
    given([issued]).when(rotate()).then([{
      type: 'RuntimeCredentialRotated',
      data: { organization_id: ORG, credential_id: 'rcr_1', namespace: 'orders', token_prefix: 'dwr_BBBBBBBB', token_hash: 'b'.repeat(64), previous_token_prefix: 'dwr_AAAAAAAA', rotated_at: NOW },
    }]);
    given([issued]).when(rotate('a'.repeat(64))).thenFails('invalid', /differ/);
    given([issued, revoked]).when(rotate()).thenFails('conflict', /revoked/);
  });

  it('revoke once; another organization sees no such credential', () => {
    given([issued]).when(revoke()).then([revoked]);
    given([issued, revoked]).when(revoke()).then([]);
    given([issued]).when(revoke('org_other')).thenFails('not_found');
    given([]).when(revoke()).thenFails('not_found');
  });
});
