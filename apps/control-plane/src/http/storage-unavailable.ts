/**
 * Whether an error means "the database cannot be reached right now" (a restart, a failover, a cut
 * connection, a pool that cannot connect in time) rather than a bug: such a request answers 503 with
 * Retry-After, and the same request succeeds once the database is back.
 */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Client has encountered a connection error/i,
  /connection is insecure/i, /the database system is (starting up|shutting down|in recovery mode)/i, /terminating connection/i,
  /Client was closed and is not queryable/i, /Query read timeout/i, /canceling statement due to statement timeout/i];

export const isStorageUnavailable = (error: unknown): boolean => {
  for (let current: unknown = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02'
      || code === '57P03' || code === '57014')) return true;
    if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
    if (current instanceof AggregateError && current.errors.some(isStorageUnavailable)) return true;
  }
  return false;
};

export const STORAGE_RETRY_AFTER_SECONDS = 2;
