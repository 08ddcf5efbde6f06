import Fastify, { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { registerClusterInfo } from '../routes/cluster-info';
import { registerNamespaces } from '../routes/namespaces';
import { registerProbes } from '../routes/probes';
import { registerReplication } from '../routes/replication';
import { registerRuntimeCredentials } from '../routes/runtime-credentials';
import { SIM_ADMIN_PREFIX, registerSimAdmin } from '../routes/sim-admin';
import { registerUsage } from '../routes/usage';
import { WorkflowBehaviour, registerWorkflows } from '../routes/workflows';
import { SimHttpError } from './errors';
import { RouteContext } from './guard';
import { CONTROL_PLANE_HEADER, CONTROL_PLANE_VERSION, MAX_PAYLOAD_BYTES, isProbePath, pathOf } from './protocol';
import { recordRequest } from './request-recorder';

export interface AppOptions {
  readonly ctx: RouteContext;
  readonly behaviour: WorkflowBehaviour;
  readonly serverVersion: string;
}

const isJsonMediaType = (contentType: string | undefined): boolean => {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return media === 'application/json' || media.endsWith('+json');
};

const isApiPath = (path: string): boolean => path.startsWith('/api/');

/** Maps fastify's own errors (body too large, bad content length, …) to the runtime's error shape. */
const toSimError = (error: FastifyError | SimHttpError): SimHttpError => {
  if (error instanceof SimHttpError) return error;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
    return new SimHttpError(413, 'payload_too_large', `Request payload exceeds the maximum allowed size of ${MAX_PAYLOAD_BYTES} bytes.`, {
      limit: MAX_PAYLOAD_BYTES,
    });
  }
  const status = error.statusCode ?? 500;
  return status < 500 ? new SimHttpError(status, 'bad_request', error.message) : new SimHttpError(500, 'server_error', 'Internal server error.');
};

export const buildApp = async ({ ctx, behaviour, serverVersion }: AppOptions): Promise<FastifyInstance> => {
  const app = Fastify({ logger: false, bodyLimit: MAX_PAYLOAD_BYTES });
  const receivedAt = new WeakMap<FastifyRequest, string>();

  // Bodies stay raw bytes here: size (413) and media type (415) are transport checks that come
  // before authentication, as the server's payload middleware does; JSON is parsed past the guard.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if (isJsonMediaType(request.headers['content-type'])) return done(null, body);
    done(
      new SimHttpError(415, 'unsupported_media_type', 'Request bodies must use a JSON media type.', {
        accepted_content_types: ['application/json', 'application/*+json'],
      }),
    );
  });

  app.addHook('onRequest', async (request, reply) => {
    receivedAt.set(request, ctx.state.now());
    const failing = ctx.faults.current.error;
    if (failing !== null && isApiPath(pathOf(request.url))) {
      return reply.code(failing).send({ message: 'Simulated runtime failure.', reason: 'server_error' });
    }
  });

  // Version-gated responses echo the header; discovery and probes are versionless.
  app.addHook('onSend', async (request, reply, payload) => {
    const path = pathOf(request.url);
    if (isApiPath(path) && !isProbePath(path) && path !== '/api/cluster/info') reply.header(CONTROL_PLANE_HEADER, CONTROL_PLANE_VERSION);
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (isApiPath(pathOf(request.url))) recordRequest(ctx.state, request, reply, receivedAt.get(request) ?? ctx.state.now());
  });

  app.setErrorHandler<FastifyError | SimHttpError>(async (error, _request, reply) => {
    const simError = toSimError(error);
    return reply.code(simError.status).send(simError.body());
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ message: `No route for ${request.method} ${pathOf(request.url)}.`, reason: 'not_found' }),
  );

  registerProbes(app, ctx);
  registerClusterInfo(app, ctx, serverVersion);
  registerNamespaces(app, ctx);
  registerWorkflows(app, ctx, behaviour);
  registerRuntimeCredentials(app, ctx);
  registerReplication(app, ctx);
  registerUsage(app, ctx);
  registerSimAdmin(app, ctx);
  await app.ready();
  return app;
};

export const isSimAdminPath = (url: string | undefined): boolean => pathOf(url ?? '').startsWith(`${SIM_ADMIN_PREFIX}/`);
