import { FastifyInstance } from 'fastify';
import { AuthenticatedRequest } from '../../auth/principal';
import { BASE64_BODY, IdempotencyStore, REPLAYED_HEADERS } from './idempotency-store';

/** Stores the final answer (after the exception filter) of a request that reserved an idempotency key. */
export function recordIdempotentResponses(fastify: FastifyInstance, records: IdempotencyStore): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const reservation = (request as AuthenticatedRequest).idempotency;
    if (!reservation) return payload;
    const binary = Buffer.isBuffer(payload);
    // A 404 after a committed command (X-DWC-Position set) is a lagging read, never an answer to replay.
    const laggingNotFound = reply.statusCode === 404 && reply.hasHeader('x-dwc-position');
    if (reply.statusCode >= 500 || laggingNotFound || (typeof payload !== 'string' && !binary)) {
      await records.release(reservation.scope, reservation.key);
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    const contentType = reply.getHeader('content-type');
    // A relayed runtime answer arrives as bytes: kept as base64, so a retry is answered from the record, not forwarded again.
    if (binary) headers[BASE64_BODY] = 'true';
    await records.complete(reservation.scope, reservation.key, {
      status: reply.statusCode, contentType: contentType === undefined ? null : String(contentType), headers,
      body: binary ? (payload as Buffer).toString('base64') : withoutSecrets(payload as string),
    });
    return payload;
  });
}

const SECRET_FIELDS = new Set(['token', 'ingest_token']);
export const NOT_REPLAYABLE = 'shown once; not replayable';

/**
 * Secrets are shown once and never stored, not even in the replay cache: a replayed answer carries
 * a marker in their place, and a client that lost one rotates the credential.
 */
function withoutSecrets(payload: string): string {
  if (!payload.includes('token')) return payload;
  try {
    return JSON.stringify(JSON.parse(payload), (key, value) => (SECRET_FIELDS.has(key) && typeof value === 'string' ? NOT_REPLAYABLE : value));
  } catch {
    return payload;
  }
}
