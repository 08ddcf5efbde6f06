import { FastifyInstance } from 'fastify';
import { PROBLEM_BASE } from './problem';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
/** Forwarded bodies go to the runtime as they came; Cloud stores none of them. */
const FORWARDED_ROUTE = '/api/v1/namespaces/:namespace/runtime/*';

/** PostgreSQL text and jsonb cannot hold U+0000, so a body carrying one could never be recorded. */
const holdsNul = (value: unknown, depth = 0): boolean => {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object' || depth > 64) return false;
  if (Array.isArray(value)) return value.some((item) => holdsNul(item, depth + 1));
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item, depth + 1));
};

/** Every body this API takes is JSON (anything else is refused with 415) and text Cloud can record, before a route sees it. */
export function requireJsonBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
    if (!hasBody || JSON_TYPE.test(request.headers['content-type'] ?? '')) return;
    await reply.status(415).header('content-type', 'application/problem+json').send({
      type: `${PROBLEM_BASE}unsupported-media-type`, title: 'Unsupported Media Type', status: 415,
      detail: 'request bodies must be application/json', field: 'Content-Type', instance: request.url.split('?')[0], request_id: request.id,
    });
  });
  fastify.addHook('preValidation', async (request, reply) => {
    if (request.routeOptions.url === FORWARDED_ROUTE || !holdsNul(request.body)) return;
    await reply.status(400).header('content-type', 'application/problem+json').send({
      type: `${PROBLEM_BASE}invalid-request`, title: 'Bad Request', status: 400,
      detail: 'text in the body may not contain the NUL character (U+0000)', instance: request.url.split('?')[0], request_id: request.id,
    });
  });
}
