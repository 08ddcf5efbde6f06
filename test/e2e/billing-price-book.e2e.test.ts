import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

describe('organization price books (operator routes)', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  const operator = () => client(app.baseUrl, app.operatorToken);
  const path = (id: string) => `/api/v1/operator/organizations/${id}/price-book`;

  it('answers the default (2 cents per billable action) until one is set', async () => {
    const { organization } = await createOrganization(app, 'pb-default');
    const response = await operator().get(path(organization.id));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      organization_id: organization.id, source: 'default', billable_action: { cents: '2', per_units: '1' }, set_at: null, resource_version: null,
    });
  });

  it('sets a price from strings or integers, event-sourced, and reads it back as written', async () => {
    const { organization } = await createOrganization(app, 'pb-set');
    const set = await operator().put(path(organization.id), { billable_action: { cents: '25', per_units: '1000000' } });
    expect(set.status).toBe(200);
    expect(set.headers.get('etag')).toBe('W/"0"');
    expect(set.body).toMatchObject({ source: 'configured', billable_action: { cents: '25', per_units: '1000000' }, resource_version: '0' });
    expect((await operator().get(path(organization.id))).body).toEqual(set.body);

    // The same price again (here as integers) changes nothing; another price is a new event.
    expect((await operator().put(path(organization.id), { billable_action: { cents: 25, per_units: 1_000_000 } })).body.resource_version).toBe('0');
    const changed = await operator().put(path(organization.id), { billable_action: { cents: 3, per_units: 1 } });
    expect(changed.body).toMatchObject({ billable_action: { cents: '3', per_units: '1' }, resource_version: '1' });
    const events = await app.platform.store.readStream(`price_book-${organization.id}`);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['PriceBookSet', { organization_id: organization.id, billable_action: { cents: '25', per_units: '1000000' }, set_at: expect.any(String) }],
      ['PriceBookSet', { organization_id: organization.id, billable_action: { cents: '3', per_units: '1' }, set_at: expect.any(String) }],
    ]);
  });

  it.each([
    [400, 'billable_action', {}],
    [400, 'billable_action', { billable_action: 'free' }],
    [400, 'billable_action.cents', { billable_action: { per_units: '1' } }],
    [400, 'billable_action.cents', { billable_action: { cents: '-1', per_units: '1' } }],
    [400, 'billable_action.cents', { billable_action: { cents: '0.5', per_units: '1' } }],
    [400, 'billable_action.cents', { billable_action: { cents: 1.5, per_units: 1 } }],
    [400, 'billable_action.per_units', { billable_action: { cents: '1', per_units: true } }],
    [400, 'billable_action.currency', { billable_action: { cents: '1', per_units: '1', currency: 'usd' } }],
    [400, 'tier', { billable_action: { cents: '1', per_units: '1' }, tier: 'gold' }],
    [422, 'billable_action.per_units', { billable_action: { cents: '1', per_units: '0' } }],
    [422, 'billable_action.cents', { billable_action: { cents: '100000001', per_units: '1000' } }],
  ])('refuses a bad body with %i naming %s, changing nothing', async (status, field, body) => {
    const { organization } = await createOrganization(app, `pb-bad-${Math.random().toString(36).slice(2, 8)}`);
    const response = await operator().put(path(organization.id), body);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.field).toBe(field);
    expect((await operator().get(path(organization.id))).body.source).toBe('default');
  });

  it('answers 404 for an unknown organization and 401 to an organization key', async () => {
    const { organization, api } = await createOrganization(app, 'pb-auth');
    expect((await operator().put(path('org_00000000000000000000000000'), { billable_action: { cents: 1, per_units: 1 } })).status).toBe(404);
    expect((await operator().get(path('nope'))).status).toBe(404);
    expect((await api.get(path(organization.id))).status).toBe(401);
    expect((await api.put(path(organization.id), { billable_action: { cents: 0, per_units: 1 } })).status).toBe(401);
  });
});
