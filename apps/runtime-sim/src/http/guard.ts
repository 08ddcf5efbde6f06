import { FastifyReply, FastifyRequest } from 'fastify';
import { Principal, ServerRole } from '../state/records';
import { SimState } from '../state/sim-state';
import { FaultControl } from '../faults';
import { OperationRef, withControlPlane } from './control-plane-envelope';
import { SimHttpError, namespaceNotFound } from './errors';
import { ServerTokens, authenticate, bearerToken } from './principal';
import { checkControlPlaneVersion, requestedNamespace } from './protocol';
import { JsonObject, isPlainObject } from './validator';

export interface RouteContext {
  readonly state: SimState;
  readonly tokens: ServerTokens;
  readonly faults: FaultControl;
}

export interface GuardSpec {
  readonly roles: readonly ServerRole[];
  /** Version-gated control-plane route (discovery is not). */
  readonly versioned: boolean;
  /** The resolved namespace must exist, else 404 namespace_not_found. */
  readonly requireNamespace: boolean;
  /** Workflow operations carry the `control_plane` envelope, on errors too. */
  readonly operation?: (params: Readonly<Record<string, string>>) => OperationRef;
}

export interface GuardedRequest {
  readonly principal: Principal;
  readonly namespace: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The parsed JSON body; `{}` when the request had none. */
  readonly body: JsonObject;
}

export interface SimReply {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Who the guard authenticated, kept for the request record written when the response ends. */
export const authenticatedPrincipal = new WeakMap<FastifyRequest, Principal>();

const forbidden = (
  principal: Principal,
  allowed: readonly ServerRole[],
  message = 'Authenticated role is not allowed to access this endpoint.',
  extra: Record<string, unknown> = {},
): SimHttpError =>
  new SimHttpError(403, 'forbidden', message, {
    role: principal.primaryRole,
    allowed_roles: allowed,
    ...extra,
  });

/** Bodies arrive as raw bytes (see the content-type parser); JSON is read only past the checks. */
const parseBody = (raw: unknown): JsonObject => {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new SimHttpError(400, 'malformed_json', 'The request body is not valid JSON.');
  }
  if (!isPlainObject(parsed)) {
    throw new SimHttpError(422, 'validation_failed', 'The request body must be a JSON object.', {
      errors: { body: ['The request body must be a JSON object.'] },
      validation_errors: { body: ['The request body must be a JSON object.'] },
    });
  }
  return parsed;
};

/**
 * Wraps a handler in the server's check order: 401 unauthorized → 403 forbidden → 400 version →
 * 404 namespace_not_found → body → handler. Role comes before namespace so a wrong-role token
 * cannot probe which namespaces exist.
 */
export const guarded =
  (ctx: RouteContext, spec: GuardSpec, handler: (request: GuardedRequest) => SimReply | Promise<SimReply>) =>
  async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const params = request.params as Record<string, string>;
    const operation = spec.operation?.(params);
    const respond = (status: number, body: Readonly<Record<string, unknown>>): void => {
      void reply.code(status).send(operation ? withControlPlane(operation, body) : body);
    };
    try {
      const principal = authenticate(bearerToken(request.headers.authorization), ctx.tokens, ctx.state);
      if (!principal) throw new SimHttpError(401, 'unauthorized', 'Invalid or missing authentication token.');
      authenticatedPrincipal.set(request, principal);
      const query = request.query as Record<string, string>;
      // A namespace-scoped credential works in its own namespace by default.
      const namespace = requestedNamespace(request.headers, query, principal.tenant ?? ctx.state.defaultNamespace);
      if (!spec.roles.some((role) => principal.roles.includes(role))) throw forbidden(principal, spec.roles);
      if (principal.tenant !== null && principal.tenant !== namespace) {
        throw forbidden(principal, spec.roles, `This credential is restricted to namespace '${principal.tenant}'.`, { namespace });
      }
      if (spec.versioned) checkControlPlaneVersion(request.headers['x-durable-workflow-control-plane-version']);
      if (spec.requireNamespace && !ctx.state.namespaces.has(namespace)) throw namespaceNotFound(namespace);
      const body = parseBody(request.body);
      const result = await handler({ principal, namespace, params, query, body });
      respond(result.status, result.body);
    } catch (error) {
      if (!(error instanceof SimHttpError)) throw error;
      respond(error.status, error.body());
    }
  };
