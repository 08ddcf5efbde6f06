import { FastifyInstance } from 'fastify';
import { PROBLEM_BASE } from './problem';

/**
 * A few refusals are answered by fastify itself, outside Nest's filters (an over-long path segment,
 * for one). This turns any error answer that is not yet problem+json into one, so clients parse one shape.
 */
export function problemSafetyNet(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode < 400) return payload;
    // A runtime target's answer relayed by forwarding (marked by apps/control-plane/src/forwarding) is the target's own, errors included.
    if (reply.getHeader('x-dwc-runtime-target') !== undefined) return payload;
    const contentType = String(reply.getHeader('content-type') ?? '');
    if (contentType.startsWith('application/problem+json')) return payload;
    let detail = 'the request could not be served';
    if (typeof payload === 'string') {
      try {
        const parsed = JSON.parse(payload) as { message?: unknown };
        if (typeof parsed.message === 'string') detail = parsed.message;
      } catch {
        // not JSON: keep the generic detail
      }
    }
    reply.header('content-type', 'application/problem+json; charset=utf-8');
    const status = reply.statusCode;
    return JSON.stringify({
      type: `${PROBLEM_BASE}${status >= 500 ? 'internal-error' : status === 404 ? 'not-found' : 'invalid-request'}`,
      title: status >= 500 ? 'Internal Server Error' : status === 404 ? 'Not Found' : 'Bad Request',
      status, detail, instance: request.url.split('?')[0], request_id: request.id,
    });
  });
}
