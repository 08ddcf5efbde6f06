import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { registerPlatformTarget, startSimulators } from '../support/runtime-fixtures';
import { createOrganization, startTestApp, TestApp } from '../support/test-app';

describe('DWC_TARGET_ADDRESS_POLICY=public (hosted deployments)', () => {
  let app: TestApp;
  let sim: RuntimeSimulator;
  beforeAll(async () => {
    app = await startTestApp({ targetAddressPolicy: 'public' });
    [sim] = await startSimulators(1, 'policy');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it('refuses an organization target on an internal address before calling it, and records nothing', async () => {
    const { api } = await createOrganization(app, 'ssrf');
    const refused = await api.post('/api/v1/runtime-targets', {
      name: 'internal', base_url: sim.baseUrl, region: 'eu-west-1', provider: 'aws', credential: sim.tokens.admin,
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ field: 'base_url' });
    expect(refused.body.type).toMatch(/runtime-target-address-not-allowed$/);
    expect(sim.requests).toHaveLength(0);
    expect((await api.get('/api/v1/runtime-targets')).body.runtime_targets).toEqual([]);
  });

  it('still lets the platform operator register a target on the platform’s own network', async () => {
    const registered = await registerPlatformTarget(app, sim);
    expect(registered.id).toMatch(/^rt_/);
    expect(registered.base_url).toBe(sim.baseUrl);
  });
});
