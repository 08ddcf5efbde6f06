import { controlPlaneHeaders } from './control-plane-protocol';
import { buildUrl } from './control-plane-caller';
import { FetchLike, RequestBody, sendRequest } from './http-transport';

export interface ForwardRequest {
  readonly baseUrl: string;
  readonly credential: string;
  readonly namespace: string;
  readonly method: string;
  /** Must be under `/api/`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** The caller's headers; only the allow-listed ones below reach the runtime. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: RequestBody;
  /** Cloud's audit id, so the runtime's command facts link back to the audit log. */
  readonly requestId: string;
  readonly correlationId: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface ForwardResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly durationMs: number;
}

/**
 * Caller headers that may pass through. Everything else is Cloud's to set: the credential,
 * namespace, protocol version and ids, and no identity header a customer could spoof.
 */
const PASS_THROUGH = new Set(['content-type', 'accept', 'accept-language', 'if-match', 'if-none-match', 'traceparent', 'tracestate']);

/** The body is already decoded and re-framed, so these would describe it wrongly. */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-encoding', 'content-length']);

export const checkForwardPath = (path: string): void => {
  const segments = path.split('?')[0].split('/');
  if (!path.startsWith('/api/') || path.includes('?') || segments.some((s) => s === '..' || s === '.') || path.includes('//')) {
    throw new Error(`refusing to forward to ${JSON.stringify(path)}: only plain paths under /api/ (query separately)`);
  }
};

export const forwardRequest = async (fetchImpl: FetchLike, defaultTimeoutMs: number, request: ForwardRequest): Promise<ForwardResponse> => {
  checkForwardPath(request.path);
  const passed = Object.entries(request.headers ?? {}).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && PASS_THROUGH.has(entry[0].toLowerCase()),
  );
  const headers = {
    ...Object.fromEntries(passed.map(([name, value]) => [name.toLowerCase(), value])),
    ...controlPlaneHeaders(request.credential, { namespace: request.namespace, requestId: request.requestId, correlationId: request.correlationId }),
  };
  // Keep the caller's Accept when given; controlPlaneHeaders defaults it to JSON.
  const accept = passed.find(([name]) => name.toLowerCase() === 'accept');
  if (accept) headers.accept = accept[1];

  const response = await sendRequest(fetchImpl, {
    url: buildUrl(request.baseUrl, request.path, request.query),
    method: request.method.toUpperCase(),
    headers,
    body: request.body,
    timeoutMs: request.timeoutMs ?? defaultTimeoutMs,
    signal: request.signal,
  });
  const kept = Object.entries(response.headers).filter(([name]) => !DROPPED_RESPONSE_HEADERS.has(name));
  return { status: response.status, headers: Object.fromEntries(kept), body: response.body, durationMs: response.durationMs };
};
