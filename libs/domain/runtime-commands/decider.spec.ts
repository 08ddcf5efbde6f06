import { specFor, testContext } from '../shared/given-when-then';
import { RecordForwardedCommand, RecordRefusedCommand, RuntimeCommandCommand } from './commands';
import { runtimeCommandDecider } from './decider';
import { RuntimeCommandEvent } from './events';
import { requestFingerprint } from './fingerprint';
import { runtimeCommandStream } from './streams';

const NOW = '2026-05-01T00:00:00.000Z';
const given = specFor(runtimeCommandDecider);
const fingerprint = requestFingerprint({ method: 'POST', path: '/api/workflows', query: {}, body: { workflow_type: 'order' } });
const facts: RecordForwardedCommand['data'] = {
  audit_id: 'aud_1', correlation_id: 'corr-1', namespace: 'orders',
  actor: { id: 'usr_1', kind: 'user', key_id: 'key_1', display: 'dev@acme.test' }, capability: 'workflows.forward',
  resource: { namespace: 'orders', method: 'POST', path: '/api/workflows' }, auth_outcome: 'allowed', request_fingerprint: fingerprint,
  runtime_target_id: 'rt_a', runtime_namespace: 'abc-orders', runtime_status: 201, runtime_outcome: 'started_new', duration_ms: 3.14159,
};
const forward = (overrides: Partial<RecordForwardedCommand['data']> = {}): RuntimeCommandCommand => ({
  type: 'RecordForwardedCommand', data: { ...facts, ...overrides }, context: testContext({ now: NOW }),
});
const refuse = (overrides: Partial<RecordRefusedCommand['data']> = {}): RuntimeCommandCommand => ({
  type: 'RecordRefusedCommand',
  data: { ...facts, auth_outcome: 'path_not_allowed', runtime_status: null, runtime_outcome: 'not_forwarded', status: 403, reason: 'only workflow commands', ...overrides },
  context: testContext({ now: NOW }),
});
const forwarded: RuntimeCommandEvent = { type: 'RuntimeCommandForwarded', data: { ...facts, duration_ms: 3.142, organization_id: 'org_test', occurred_at: NOW } };

describe('runtime command facts', () => {
  it('are one stream per audit id', () => {
    expect(runtimeCommandStream('org_1', 'aud_1')).toBe('runtime_command-org_1.aud_1');
  });

  it('record a forwarded command once', () => {
    given([]).when(forward()).then([forwarded]);
    given([forwarded]).when(forward()).then([]);
  });

  it('record a refusal with what Cloud answered', () => {
    given([]).when(refuse()).then([{
      type: 'RuntimeCommandRefused',
      data: { ...facts, auth_outcome: 'path_not_allowed', runtime_status: null, runtime_outcome: 'not_forwarded', duration_ms: 3.142,
        organization_id: 'org_test', occurred_at: NOW, status: 403, reason: 'only workflow commands' },
    }]);
  });

  it('keep forwarded and refused apart', () => {
    given([]).when(forward({ auth_outcome: 'forbidden' })).thenFails('invalid', /allowed/);
    given([]).when(forward({ runtime_target_id: null })).thenFails('invalid', /runtime target/);
    given([]).when(refuse({ runtime_status: 200 })).thenFails('invalid', /never reached/);
    given([]).when(refuse({ status: 200 })).thenFails('invalid', /status/);
  });

  it('refuse malformed facts', () => {
    given([]).when(forward({ request_fingerprint: 'md5:abc' })).thenFails('invalid', /request_fingerprint/);
    given([]).when(forward({ duration_ms: -1 })).thenFails('invalid', /duration_ms/);
    given([]).when(forward({ audit_id: 'has spaces' })).thenFails('invalid', /audit_id/);
    given([]).when(forward({ auth_outcome: 'maybe' as never })).thenFails('invalid', /auth_outcome/);
  });
});

describe('requestFingerprint', () => {
  it('ignores key and parameter order but not content', () => {
    const a = requestFingerprint({ method: 'post', path: '/api/workflows', query: { b: '2', a: ['y', 'x'] }, body: { x: 1, y: { b: 2, a: 1 } } });
    const b = requestFingerprint({ method: 'POST', path: '/api/workflows', query: { a: ['x', 'y'], b: '2' }, body: { y: { a: 1, b: 2 }, x: 1 } });
    expect(a).toBe(b);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(requestFingerprint({ method: 'POST', path: '/api/workflows', query: {}, body: { x: 2 } })).not.toBe(
      requestFingerprint({ method: 'POST', path: '/api/workflows', query: {}, body: { x: 1 } }));
  });
});
