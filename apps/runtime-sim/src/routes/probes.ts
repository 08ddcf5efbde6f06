import { FastifyInstance } from 'fastify';
import { RouteContext } from '../http/guard';

type CheckStatus = 'ok' | 'unavailable' | 'missing' | 'invalid';

/** Health and readiness: no auth, no version header, no namespace. */
export const registerProbes = (app: FastifyInstance, ctx: RouteContext): void => {
  app.get('/api/health', async (_request, reply) => {
    const healthy = !ctx.faults.current.unhealthy;
    return reply.code(healthy ? 200 : 503).send({
      status: healthy ? 'serving' : 'degraded',
      timestamp: ctx.state.now(),
      checks: { database: healthy ? 'ok' : 'unavailable' },
    });
  });

  app.get('/api/ready', async (_request, reply) => {
    const { unhealthy, notReady } = ctx.faults.current;
    const checks: Record<string, { status: CheckStatus }> = {
      database: { status: unhealthy ? 'unavailable' : 'ok' },
      // `not_ready` plays a server mid-deploy whose migrations have not run yet.
      migrations: { status: notReady ? 'missing' : 'ok' },
      default_namespace: { status: ctx.state.namespaces.has(ctx.state.defaultNamespace) ? 'ok' : 'missing' },
      cache: { status: 'ok' },
      auth: { status: 'ok' },
    };
    const ready = Object.values(checks).every((check) => check.status === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', timestamp: ctx.state.now(), checks });
  });
};
