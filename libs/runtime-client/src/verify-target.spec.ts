import { RuntimeSimulator, startRuntimeSimulator } from '../../../apps/runtime-sim/src/simulator';
import { RuntimeClient } from './runtime-client';
import { startJsonTarget } from './testing/json-target';

describe('RuntimeClient.verifyTarget against the simulator', () => {
  let sim: RuntimeSimulator;
  const client = new RuntimeClient({ timeoutMs: 2_000 });

  beforeEach(async () => {
    sim = await startRuntimeSimulator({ serverId: 'target-1' });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('accepts a compatible target and returns the validated cluster info', async () => {
    const result = await client.verifyTarget(sim.baseUrl, sim.tokens.operator, 'default');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.info).toMatchObject({ server_id: 'target-1', version: '2.0.0', default_namespace: 'default', control_plane: { version: '2' } });
    expect(result.info.raw.limits).toMatchObject({ max_payload_bytes: 2_097_152 });
  });

  it('sends the credential, the namespace, the version header and a request id', async () => {
    await client.clusterInfo(sim.baseUrl, sim.tokens.worker, 'default', { requestId: 'audit-1', correlationId: 'corr-1' });
    const [seen] = sim.requestsTo('GET', '/api/cluster/info');
    expect(seen).toMatchObject({ role: 'worker', namespace: 'default', request_id: 'audit-1', correlation_id: 'corr-1' });
    expect(seen.headers['x-durable-workflow-control-plane-version']).toBe('2');
  });

  it('refuses with credential_refused for an unknown or revoked token', async () => {
    expect(await client.verifyTarget(sim.baseUrl, 'not-the-token')).toMatchObject({ ok: false, reason: 'credential_refused' });
    const token = 'dwr_' + 'c'.repeat(40);
    await client.upsertCredential(sim.baseUrl, sim.tokens.admin, 'c1', { subject: 's', roles: ['worker'], tenant: 'default', token });
    expect((await client.verifyTarget(sim.baseUrl, token)).ok).toBe(true);
    await client.revokeCredential(sim.baseUrl, sim.tokens.admin, 'c1');
    expect(await client.verifyTarget(sim.baseUrl, token)).toMatchObject({ ok: false, reason: 'credential_refused' });
  });

  it('refuses with unsupported_control_plane_version when the target speaks version 3', async () => {
    sim.faults.wrongProtocol();
    const result = await client.verifyTarget(sim.baseUrl, sim.tokens.operator);
    expect(result).toMatchObject({ ok: false, reason: 'unsupported_control_plane_version' });
  });

  it('refuses with unreachable when the target is down', async () => {
    await sim.faults.down();
    expect(await client.verifyTarget(sim.baseUrl, sim.tokens.operator)).toMatchObject({ ok: false, reason: 'unreachable' });
  });

  it('refuses with timeout when the target hangs', async () => {
    sim.faults.hang();
    const quick = new RuntimeClient({ timeoutMs: 200 });
    const started = Date.now();
    expect(await quick.verifyTarget(sim.baseUrl, sim.tokens.operator)).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('refuses with invalid_response when the target fails with 5xx', async () => {
    sim.faults.error(500);
    expect(await client.verifyTarget(sim.baseUrl, sim.tokens.operator)).toMatchObject({ ok: false, reason: 'invalid_response' });
  });
});

describe('RuntimeClient.verifyTarget manifest rules (fixed-response targets)', () => {
  const client = new RuntimeClient({ timeoutMs: 2_000 });
  const base = { server_id: 's', version: '9.9.9', default_namespace: 'default' };

  const verifyWith = async (status: number, body: unknown) => {
    const target = await startJsonTarget(status, body);
    try {
      return await client.verifyTarget(target.baseUrl, 'token');
    } finally {
      await target.close();
    }
  };

  it('accepts control_plane.version as the integer 2 and ignores the build version', async () => {
    expect((await verifyWith(200, { ...base, control_plane: { version: 2 } })).ok).toBe(true);
  });

  it('tolerates unknown newer fields', async () => {
    expect((await verifyWith(200, { ...base, control_plane: { version: '2' }, topology: { nodes: 3 }, coordination_health: {} })).ok).toBe(true);
  });

  it.each([[{ version: '2.0' }], [{ version: 3 }], [{ version: '1' }]])('refuses control_plane %j', async (controlPlane) => {
    expect(await verifyWith(200, { ...base, control_plane: controlPlane })).toMatchObject({ ok: false, reason: 'unsupported_control_plane_version' });
  });

  it('fails closed with missing_manifest when control_plane or its version is absent', async () => {
    expect(await verifyWith(200, base)).toMatchObject({ ok: false, reason: 'missing_manifest' });
    expect(await verifyWith(200, { ...base, control_plane: { header: 'X' } })).toMatchObject({ ok: false, reason: 'missing_manifest' });
  });

  it('refuses with invalid_response for a non-JSON answer or a document without server_id', async () => {
    expect(await verifyWith(200, '<html>hello</html>')).toMatchObject({ ok: false, reason: 'invalid_response' });
    expect(await verifyWith(200, { default_namespace: 'd', control_plane: { version: '2' } })).toMatchObject({ ok: false, reason: 'invalid_response' });
  });

  it('refuses with credential_refused on 403', async () => {
    expect(await verifyWith(403, { reason: 'forbidden', message: 'no' })).toMatchObject({ ok: false, reason: 'credential_refused' });
  });
});
