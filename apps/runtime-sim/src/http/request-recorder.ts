import { FastifyReply, FastifyRequest } from 'fastify';
import { RecordedRequest } from '../state/records';
import { SimState, sha256Hex } from '../state/sim-state';
import { authenticatedPrincipal } from './guard';
import { isProbePath, pathOf, requestedNamespace } from './protocol';

const flatHeaders = (headers: FastifyRequest['headers']): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
  );

const header = (headers: FastifyRequest['headers'], name: string): string | null => {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
};

/**
 * Writes the runtime's record of one `/api` request once its response is sent: the principal as
 * authenticated (never from forwarded identity headers), a `sha256:` fingerprint of the request,
 * and the caller's X-Request-Id / X-Correlation-Id that link it to Cloud's audit log.
 */
export const recordRequest = (state: SimState, request: FastifyRequest, reply: FastifyReply, receivedAt: string): void => {
  const path = pathOf(request.url);
  const principal = authenticatedPrincipal.get(request) ?? null;
  const query = request.query as Record<string, string>;
  const namespace = isProbePath(path) ? null : requestedNamespace(request.headers, query ?? {}, principal?.tenant ?? state.defaultNamespace);
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const record: RecordedRequest = {
    method: request.method,
    path,
    query: { ...query },
    headers: flatHeaders(request.headers),
    namespace,
    role: principal?.primaryRole ?? null,
    subject: principal?.subject ?? null,
    credential_id: principal?.credentialId ?? null,
    auth_method: principal?.authMethod ?? null,
    auth_status: isProbePath(path) ? 'not_required' : principal ? 'authenticated' : 'rejected',
    fingerprint: `sha256:${sha256Hex(Buffer.concat([Buffer.from(`${request.method}\n${path}\n${namespace ?? ''}\n`), body]))}`,
    request_id: header(request.headers, 'x-request-id'),
    correlation_id: header(request.headers, 'x-correlation-id'),
    status: reply.statusCode,
    received_at: receivedAt,
  };
  state.requests.push(record);
};
