import { specFor, testContext } from '../../shared/given-when-then';
import { runtimeTargetStream } from '../streams';
import { normalizeBaseUrl } from './base-url';
import { RuntimeTargetCommand, RegisterRuntimeTarget } from './commands';
import { runtimeTargetDecider } from './decider';
import { RuntimeTargetEvent } from './events';
import { SealedSecret } from './sealed-secret';

const ORG = 'org_test';
const NOW = '2026-05-01T00:00:00.000Z';
const SEALED: SealedSecret = { alg: 'A256GCM', key_id: 'k1', iv: 'aXY=', tag: 'dGFn', ciphertext: 'Y2lwaGVy' };
const given = specFor(runtimeTargetDecider);
const verification = { server_id: 'sim-1', server_version: '2.0.0', control_plane_version: '2' };

const register = (overrides: Partial<RegisterRuntimeTarget['data']> = {}, organization_id: string | null = ORG): RuntimeTargetCommand => ({
  type: 'RegisterRuntimeTarget',
  data: {
    runtime_target_id: 'rt_1', owner_organization_id: ORG, name: 'eu primary', base_url: 'https://runtime.example.com/', region: 'eu-west-1',
    provider: 'aws', credential: SEALED, ingest_token_prefix: 'dwi_AAAAAAAAAAAA', ingest_token_hash: 'a'.repeat(64), verification,
    ...overrides,
  },
  context: testContext({ organization_id, now: NOW }),
});
const registered = (organization_id: string | null = ORG): RuntimeTargetEvent => ({
  type: 'RuntimeTargetRegistered',
  data: {
    organization_id, runtime_target_id: 'rt_1', name: 'eu primary', base_url: 'https://runtime.example.com', region: 'eu-west-1', provider: 'aws',
    credential: SEALED, ingest_token_prefix: 'dwi_AAAAAAAAAAAA', ingest_token_hash: 'a'.repeat(64),
    verification: { ...verification, verified_at: NOW }, registered_at: NOW,
  },
});
const health = (status: 'healthy' | 'unhealthy', detail = 'ready'): RuntimeTargetCommand => ({
  type: 'RecordRuntimeTargetHealth', data: { status, detail }, context: testContext({ actor: { id: 'prober', kind: 'system' }, now: NOW }),
});
const changed = (status: 'healthy' | 'unhealthy', previous_status: 'unknown' | 'healthy' | 'unhealthy', detail = 'ready'): RuntimeTargetEvent => ({
  type: 'RuntimeTargetHealthChanged', data: { organization_id: ORG, runtime_target_id: 'rt_1', status, previous_status, detail, checked_at: NOW },
});

describe('runtime target stream', () => {
  it('names the owner, or the platform for hosted targets', () => {
    expect(runtimeTargetStream('org_1', 'rt_9')).toBe('runtime_target-org_1.rt_9');
    expect(runtimeTargetStream(null, 'rt_9')).toBe('runtime_target-platform.rt_9');
  });
});

describe('RegisterRuntimeTarget', () => {
  it('registers a verified target with a normalized base URL, health unknown until probed', () => {
    given([]).when(register()).then([registered()]);
  });

  it('registers a platform target from the operator (no organization)', () => {
    given([]).when(register({ owner_organization_id: null }, null)).then([registered(null)]);
  });

  it('never lets an organization register a target for another one', () => {
    given([]).when(register({ owner_organization_id: 'org_other' })).thenFails('invalid', /itself/);
  });

  it('refuses a second registration of the same id', () => {
    given([registered()]).when(register()).thenFails('already_exists');
  });

  it.each([
    ['an ftp URL', { base_url: 'ftp://runtime.example.com' }, /http or https/],
    ['a URL with credentials', { base_url: 'https://user:secret@runtime.example.com' }, /credentials/],
    ['a URL with a user only', { base_url: 'https://user@runtime.example.com' }, /credentials/],
    ['a URL with a query', { base_url: 'https://runtime.example.com/?token=x' }, /query/],
    ['a URL with a fragment', { base_url: 'https://runtime.example.com/#x' }, /fragment/],
    ['an over-long URL', { base_url: `https://runtime.example.com/${'a'.repeat(600)}` }, /512/],
    ['not a URL', { base_url: 'runtime.example.com' }, /not a URL/],
    ['an empty name', { name: '  ' }, /name/],
    ['an upper-case region', { region: 'EU-West' }, /region/],
    ['an empty provider', { provider: '' }, /provider/],
    ['an unsealed credential', { credential: { alg: 'none' } as unknown as SealedSecret }, /sealed/],
    ['a malformed ingest prefix', { ingest_token_prefix: 'dwc_AAAAAAAAAAAA' }, /ingest_token_prefix/],
    ['an ingest token instead of its hash', { ingest_token_hash: 'dwi_secret' }, /ingest_token_hash/],
    ['another protocol version', { verification: { ...verification, control_plane_version: '3' } }, /version 2/],
  ] as const)('refuses %s', (_, overrides, message) => {
    given([]).when(register(overrides as Partial<RegisterRuntimeTarget['data']>)).thenFails('invalid', message);
  });
});

describe('normalizeBaseUrl', () => {
  it('keeps a base path and drops trailing slashes', () => {
    expect(normalizeBaseUrl('http://127.0.0.1:7070/')).toBe('http://127.0.0.1:7070');
    expect(normalizeBaseUrl('https://Runtime.Example.com/dw/')).toBe('https://runtime.example.com/dw');
  });
});

describe('RecordRuntimeTargetHealth', () => {
  it('records a change of status only', () => {
    given([registered()]).when(health('healthy')).then([changed('healthy', 'unknown')]);
    given([registered(), changed('healthy', 'unknown')]).when(health('healthy', 'still ready')).then([]);
    given([registered(), changed('healthy', 'unknown')]).when(health('unhealthy', 'unreachable')).then([changed('unhealthy', 'healthy', 'unreachable')]);
    given([registered(), changed('unhealthy', 'unknown', 'x')]).when(health('healthy')).then([changed('healthy', 'unhealthy')]);
  });

  it('answers not_found for a target that was never registered', () => {
    given([]).when(health('healthy')).thenFails('not_found');
  });
});
