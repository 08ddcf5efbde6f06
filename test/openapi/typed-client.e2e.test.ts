import createClient from 'openapi-fetch';
import type { paths } from '../generated/control-plane-api';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A client generated from the served OpenAPI document (openapi-typescript types, kept fresh by
 * test/openapi/openapi.test.ts) drives the API over real HTTP: what a customer's generated SDK would do.
 * The calls below are type-checked against the document by `tsc` in `npm test`.
 */
describe('a typed client generated from /docs/openapi.json', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); }, 180_000);
  afterAll(() => app.close());

  it('creates an organization as the operator, then a project, an environment and a namespace, and reads them back', async () => {
    const operator = createClient<paths>({ baseUrl: app.baseUrl, headers: { authorization: `Bearer ${app.operatorToken}` } });
    const bootstrapped = await operator.POST('/api/v1/operator/organizations', { body: { name: 'Typed', owner_email: 'owner@typed.test' } });
    expect(bootstrapped.response.status).toBe(201);
    const created = bootstrapped.data!;
    expect(created.organization.name).toBe('Typed');
    expect(created.api_key.token).toMatch(/^dwc_/);

    const org = createClient<paths>({ baseUrl: app.baseUrl, headers: { authorization: `Bearer ${created.api_key.token}` } });
    const project = await org.POST('/api/v1/projects', { body: { name: 'commerce', description: 'shop' } });
    expect(project.response.status).toBe(201);
    expect(project.data?.name).toBe('commerce');

    const environment = await org.POST('/api/v1/projects/{project}/environments', {
      params: { path: { project: 'commerce' } }, body: { name: 'prod' },
    });
    expect(environment.response.status).toBe(201);
    expect(environment.data?.project).toBe('commerce');

    const namespace = await org.POST('/api/v1/projects/{project}/environments/{environment}/namespaces', {
      params: { path: { project: 'commerce', environment: 'prod' } }, body: { name: 'orders' },
    });
    expect(namespace.response.status).toBe(201);
    expect(namespace.data).toMatchObject({ name: 'orders', project: 'commerce', environment: 'prod', active_runtime_target: null });

    const projects = await org.GET('/api/v1/projects');
    expect(projects.data?.projects.map((p) => p.name)).toEqual(['commerce']);
    expect(projects.data?.next_cursor).toBeNull();
    const environments = await org.GET('/api/v1/projects/{project}/environments', { params: { path: { project: 'commerce' } } });
    expect(environments.data?.environments.map((e) => e.name)).toEqual(['prod']);
    const read = await org.GET('/api/v1/namespaces/{namespace}', { params: { path: { namespace: 'orders' } } });
    expect(read.data).toMatchObject({ id: namespace.data?.id, name: 'orders', state: 'active', resource_version: '0' });
    const organization = await operator.GET('/api/v1/operator/organizations/{id}', { params: { path: { id: created.organization.id } } });
    expect(organization.data?.billing_restriction.restricted).toBe(false);

    // A problem answer is typed too: the declared application/problem+json body of a 404.
    const missing = await org.GET('/api/v1/namespaces/{namespace}', { params: { path: { namespace: 'nowhere' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.error).toMatchObject({ status: 404 });
  });
});
