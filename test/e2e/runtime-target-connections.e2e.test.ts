import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { CONFIG } from '../../apps/control-plane/src/platform/platform.tokens';
import { guardedFetch, LookupImpl } from '../../libs/runtime-client/src';
import { isInternalAddress } from '../../apps/control-plane/src/runtime-targets/target-address-policy';
import { createNamespace, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { createOrganization, startTestApp, TestApp } from '../support/test-app';

/**
 * The address policy holds on every connection, not only at registration; verification errors
 * never carry what answered; replies are read capped at DWC_RUNTIME_MAX_RESPONSE_BYTES.
 */
describe('connections to runtime targets', () => {
  let app: TestApp;
  let sim: RuntimeSimulator;
  let internal: Server;
  let internalUrl: string;
  beforeAll(async () => {
    app = await startTestApp({ runtimeMaxResponseBytes: 64 * 1024 });
    [sim] = await startSimulators(1, 'conn');
    // An internal service that answers anything with something secret.
    internal = createServer((_, res) => { res.writeHead(401, { 'content-type': 'application/json' }); res.end('{"message":"metadata-secret-AKIA"}'); });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => internal.close(resolve));
    await sim.close();
    await app.close();
  });

  it('refuses a name that re-resolves to an internal address at connection time (DNS rebinding)', async () => {
    let answer = '93.184.215.14';
    const lookup: LookupImpl = (_host, _options, callback) => callback(null, [{ address: answer, family: 4 }]);
    const fetchImpl = guardedFetch({ enforced: () => true, isInternal: isInternalAddress, mayReachInternal: async () => false }, lookup);
    answer = '127.0.0.1';
    await expect(fetchImpl(`http://rebind.example:${(internal.address() as AddressInfo).port}/api/ready`)).rejects.toMatchObject({
      cause: expect.objectContaining({ code: 'EADDRNOTALLOWED' }),
    });
    await expect(fetchImpl(`${internalUrl}/api/ready`)).rejects.toMatchObject({ cause: expect.objectContaining({ code: 'EADDRNOTALLOWED' }) });
  });

  it('forwards to an organization target only while its address is allowed, checked on each call', async () => {
    const { api } = await createOrganization(app, 'conn');
    const target = await registerTarget(api, sim);
    await createNamespace(api, 'orders', target.id);
    expect((await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'a' })).status).toBe(201);
    const config = app.app.get(CONFIG) as { targetAddressPolicy: string };
    // From now on the target's address counts as internal-and-refused, as a rebound name would.
    config.targetAddressPolicy = 'public';
    try {
      const before = sim.requests.length;
      const forwarded = await api.post('/api/v1/namespaces/orders/runtime/workflows', { workflow_type: 'b' });
      expect(forwarded.status).toBe(502);
      expect(sim.requests.length).toBe(before);
      // Verification says why, never what answered.
      const probe = await api.post('/api/v1/runtime-targets', {
        name: 'metadata', base_url: 'http://localhost:1', region: 'eu-west-1', provider: 'aws', credential: 'x'.repeat(32),
      });
      expect(probe.status).toBe(422);
    } finally {
      config.targetAddressPolicy = 'any';
    }
    const leaky = await api.post('/api/v1/runtime-targets', {
      name: 'leaky', base_url: internalUrl, region: 'eu-west-1', provider: 'aws', credential: 'y'.repeat(32),
    });
    expect(leaky.status).toBe(422);
    expect(JSON.stringify(leaky.body)).not.toContain('metadata-secret');
  });

  it('answers 502 for a reply larger than DWC_RUNTIME_MAX_RESPONSE_BYTES instead of buffering it', async () => {
    const { api } = await createOrganization(app, 'bigreply');
    const target = await registerTarget(api, sim);
    await createNamespace(api, 'bulk', target.id);
    const big = 'x'.repeat(100 * 1024);
    const started = await api.post('/api/v1/namespaces/bulk/runtime/workflows', { workflow_type: 'big', workflow_id: 'big-1', input: [big] });
    expect(started.status).toBe(201);
    const described = await api.get('/api/v1/namespaces/bulk/runtime/workflows/big-1');
    expect(described.status).toBe(502);
    expect(described.body.type).toMatch(/runtime-response-too-large$/);
  });
});
