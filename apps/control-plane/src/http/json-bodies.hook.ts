import { FastifyInstance } from 'fastify';
import { PROBLEM_BASE } from './problem';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Every body this API takes is JSON: anything else is refused with 415 before a route sees it. */
export function requireJsonBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
    if (!hasBody || JSON_TYPE.test(request.headers['content-type'] ?? '')) return;
    await reply.status(415).header('content-type', 'application/problem+json').send({
      type: `${PROBLEM_BASE}unsupported-media-type`, title: 'Unsupported Media Type', status: 415,
      detail: 'request bodies must be application/json', field: 'Content-Type', instance: request.url.split('?')[0], request_id: request.id,
    });
  });
}
