import { INestApplication, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { AUDIENCE_KEY, RouteAudience } from '../auth/decorators';
import { OPERATION_DOC, OperationDoc } from './operations';
import { named, namedSchemas, obj, int, str } from './schema';

export const PROBLEM_JSON = 'application/problem+json';

/** The three bearer credentials and which routes take which (the AuthGuard's audiences). */
export const SECURITY_SCHEMES = {
  organization_key: { description: 'An organization API key: `dwc_` + 12-character prefix + `_` + secret. Every organization route.', bearerFormat: 'dwc_…' },
  operator_token: { description: 'The platform operator token (DWC_OPERATOR_TOKEN). Only the /api/v1/operator/… routes.', bearerFormat: 'opaque' },
  ingest_token: { description: 'A runtime target\'s `dwi_` ingest token (shown once at registration). Only POST /api/v1/usage-records.', bearerFormat: 'dwi_…' },
} as const;

const SCHEME_OF: Record<RouteAudience, keyof typeof SECURITY_SCHEMES | null> = {
  organization: 'organization_key', operator: 'operator_token', ingest: 'ingest_token', public: null,
};

const PROBLEM = named('Problem', obj({
  type: str('a URI naming the kind of problem'),
  title: str(),
  status: int(),
  detail: str(),
  field: str('the request field at fault, when there is one'),
  instance: str('the request path'),
  request_id: str('the X-Request-Id of the request'),
}, ['detail', 'field', 'instance']));

const STATUS_TEXT: Record<number, string> = {
  400: 'Malformed or invalid input (nothing changed)',
  401: 'Missing, unknown, expired or revoked credential',
  403: 'The caller sees the resource but may not do this',
  404: 'No such resource, or one the caller may not see (a foreign organization\'s id included)',
  409: 'Conflicts with the current state (already exists, concurrent change), or the same Idempotency-Key is still running',
  412: 'If-Match does not match the current resource_version (nothing changed)',
  413: 'The body is larger than 1 MiB',
  415: 'The body is not application/json',
  422: 'Understood but refused (an Idempotency-Key reused with another body, or a rule of the domain)',
  429: 'Too many failed authentications from this client; see Retry-After',
  502: 'The runtime target answered with an error or could not be reached',
  503: 'Not ready',
  504: 'The runtime target did not answer in time',
};

const problemResponse = (status: number): ResponseObject => ({
  description: STATUS_TEXT[status] ?? 'Problem',
  content: { [PROBLEM_JSON]: { schema: PROBLEM } },
});

/** Problems every route of its kind can answer, by audience and method. */
function baselineProblems(audience: RouteAudience, method: string, hasPathParameters: boolean): number[] {
  if (audience === 'public') return [];
  const statuses = [400, 401, 429];
  if (audience === 'organization') statuses.push(403);
  if (hasPathParameters) statuses.push(404);
  if (['post', 'put', 'patch', 'delete'].includes(method)) statuses.push(409, 422);
  if (['post', 'put', 'patch'].includes(method)) statuses.push(413, 415);
  if (['patch', 'delete'].includes(method)) statuses.push(412);
  return statuses;
}

interface RouteInfo {
  readonly audience: RouteAudience;
  readonly doc: OperationDoc | undefined;
}

/** Each handler's audience and documentation, by the operation id Nest's document gives it (`Controller_method`). */
function routesByOperationId(app: INestApplication): Map<string, RouteInfo> {
  const scanner = new MetadataScanner();
  const routes = new Map<string, RouteInfo>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const classAudience = Reflect.getMetadata(AUDIENCE_KEY, controller) as RouteAudience | undefined;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as object;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        routes.set(`${controller.name}_${name}`, {
          audience: (Reflect.getMetadata(AUDIENCE_KEY, handler) as RouteAudience | undefined) ?? classAudience ?? 'organization',
          doc: Reflect.getMetadata(OPERATION_DOC, handler) as OperationDoc | undefined,
        });
      }
    }
  }
  return routes;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** The forwarding route answers any method, but the runtime contract only has these. */
const FORWARDED_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/**
 * The served OpenAPI document: Nest's scan of the controllers, completed with what it cannot know —
 * each route's bearer scheme (from its audience), its success schema and problems (from `documentRoutes`),
 * the forwarded `{path}` parameter, and the server.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  let builder = new DocumentBuilder()
    .setTitle('Durable Workflow Cloud control plane')
    .setDescription('Tenancy, identity, runtime targets, placement, forwarding, billing usage and audit above Durable Workflow runtime targets. '
      + 'Errors are application/problem+json. The contract in prose: docs/api.md.')
    .setVersion('1')
    .setLicense('Proprietary', 'https://durable-workflow.com')
    .addServer('/', 'The control plane serving this document');
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) {
    builder = builder.addBearerAuth({ type: 'http', scheme: 'bearer', ...scheme }, name);
  }
  const document = SwaggerModule.createDocument(app, builder.build());
  const routes = routesByOperationId(app);

  for (const [path, item] of Object.entries(document.paths)) {
    const forwarded = path.includes('/runtime/{path}');
    for (const method of METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (!operation) continue;
      if (forwarded && !FORWARDED_METHODS.has(method)) {
        delete item[method];
        continue;
      }
      const id = operation.operationId ?? '';
      const route = routes.get(id) ?? routes.get(id.replace(/_[a-z]+$/, ''));
      if (!route) continue;
      if (forwarded) addForwardedPathParameter(operation);
      completeOperation(operation, route, method, path.includes('{'));
    }
    // SEARCH and other methods OpenAPI 3.0 has no field for.
    for (const key of Object.keys(item)) {
      if (!(METHODS as readonly string[]).includes(key) && !['parameters', 'summary', 'description', 'servers', '$ref'].includes(key)) delete (item as Record<string, unknown>)[key];
    }
  }
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...Object.fromEntries(namedSchemas()) } };
  return document;
}

function completeOperation(operation: OperationObject, route: RouteInfo, method: string, hasPathParameters: boolean): void {
  const scheme = SCHEME_OF[route.audience];
  operation.security = scheme ? [{ [scheme]: [] }] : [];
  const doc = route.doc;
  if (doc) {
    operation.summary = operation.summary ?? doc.summary;
    if (doc.description && !operation.description) operation.description = doc.description;
    let successStatus = Object.keys(operation.responses).find((status) => /^2\d\d$/.test(status));
    if (doc.status !== undefined && successStatus !== String(doc.status)) {
      const response = successStatus ? operation.responses[successStatus] : { description: '' };
      if (successStatus) delete operation.responses[successStatus];
      successStatus = String(doc.status);
      operation.responses[successStatus] = response;
    }
    if (successStatus) {
      const response = operation.responses[successStatus] as ResponseObject;
      response.description = response.description || (doc.returns ? 'Success' : 'Done; no body');
      if (doc.returns) response.content = { [doc.produces ?? 'application/json']: { schema: doc.returns } };
    }
    for (const also of doc.also ?? []) {
      operation.responses[String(also.status)] = also.schema
        ? { description: also.description, content: { 'application/json': { schema: also.schema } } }
        : { description: also.description };
    }
  }
  for (const status of [...baselineProblems(route.audience, method, hasPathParameters), ...(doc?.problems ?? [])]) {
    operation.responses[String(status)] ??= problemResponse(status);
  }
}

function addForwardedPathParameter(operation: OperationObject): void {
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  if (parameters.some((p) => p.in === 'path' && p.name === 'path')) return;
  operation.parameters = [...parameters, {
    name: 'path', in: 'path', required: true,
    description: 'The runtime path below /api/ on the target, e.g. `workflows` or `workflows/o-1/signal/approve` (only workflows… is forwarded; slashes are part of the value).',
    schema: { type: 'string', pattern: '^workflows(/.*)?$' },
  }];
}
