import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { BillingRestrictionEnforcer } from '../../apps/control-plane/src/billing/billing-restriction-enforcer';
import { RuntimeClient } from '../../libs/runtime-client/src';
import { committedEvents } from '../support/committed-events';
import { createNamespace, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

/**
 * A billing restriction reaches the runtime targets: the organization's `dwr_` credentials stop
 * working there, and work again once it is lifted — audited, and repaired by reconciliation after a
 * crash at any step.
 */
describe('billing restriction on the runtime targets', () => {
  let app: TestApp;
  let sim: RuntimeSimulator;
  const runtime = new RuntimeClient({ timeoutMs: 2000 });
  beforeAll(async () => {
    app = await startTestApp({ probeIntervalMs: 0 });
    [sim] = await startSimulators(1, 'billing-enf');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it('suspends the organization\'s runtime credentials on the target and restores them, surviving a crash mid-way', async () => {
    const { api, organization } = await createOrganization(app, 'arrears');
    const target = await registerTarget(api, sim);
    const namespace = await createNamespace(api, 'orders', target.id);
    const runtimeNamespace = (await api.get('/api/v1/namespaces/orders/connection')).body.runtime_namespace as string;
    const issued = await api.post('/api/v1/namespaces/orders/runtime-credentials', { name: 'fleet', role: 'worker' });
    expect(issued.status).toBe(201);
    const works = async () => (await runtime.verifyTarget(sim.baseUrl, issued.body.token, runtimeNamespace)).ok;
    expect(await works()).toBe(true);
    expect(namespace).toBeDefined();

    const operator = client(app.baseUrl, app.operatorToken);
    const restrict = (restricted: boolean) => operator.put(`/api/v1/operator/organizations/${organization.id}/billing-restriction`,
      { restricted, reason: restricted ? 'unpaid invoice' : 'paid' });
    expect((await restrict(true)).status).toBe(200);
    const enforcer = app.app.get(BillingRestrictionEnforcer);
    expect(await enforcer.reconcile()).toBe(1);
    expect(await works()).toBe(false);
    expect(await enforcer.reconcile()).toBe(0);

    // A crash after the target was resumed but before the step was noted: the next pass repairs it, once.
    expect((await restrict(false)).status).toBe(200);
    await runtime.setCredentialSuspended(sim.baseUrl, sim.tokens.admin, issued.body.id, false);
    expect(await works()).toBe(true);
    expect(await enforcer.reconcile()).toBe(1);
    expect(await works()).toBe(true);
    // A crash after the restriction was recorded but before anything reached the target: the next pass does it.
    expect((await restrict(true)).status).toBe(200);
    expect(await enforcer.reconcile()).toBe(1);
    expect(await works()).toBe(false);

    const audit = (await committedEvents(app, { organizationId: organization.id }))
      .filter((e) => e.type === 'RuntimeCredentialSuspendedForBilling' || e.type === 'RuntimeCredentialRestoredAfterBilling').map((e) => e.type);
    expect(audit).toEqual(['RuntimeCredentialSuspendedForBilling', 'RuntimeCredentialRestoredAfterBilling', 'RuntimeCredentialSuspendedForBilling']);
  });
});
