import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { RuntimeClientError } from './errors';

export type RequestBody = string | Uint8Array | ReadableStream<Uint8Array> | Readable;

export interface TransportRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  readonly timeoutMs: number;
  /** The caller's own cancellation, combined with the timeout. */
  readonly signal?: AbortSignal;
}

export interface TransportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly durationMs: number;
}

export type FetchLike = typeof fetch;

const causeOf = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
};

/**
 * One HTTP exchange with a runtime target: the timeout covers the whole exchange, body included,
 * and failures become `unreachable` or `timeout` so callers never parse fetch's error zoo.
 */
export const sendRequest = async (fetchImpl: FetchLike, request: TransportRequest): Promise<TransportResponse> => {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  const streaming = request.body !== undefined && typeof request.body !== 'string' && !(request.body instanceof Uint8Array);
  const body = request.body instanceof Readable ? (Readable.toWeb(request.body) as ReadableStream<Uint8Array>) : request.body;
  const started = performance.now();
  try {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: body as RequestInit['body'],
      signal,
      redirect: 'manual',
      // Streams need half-duplex in fetch; the response is read only after the body is sent.
      ...(streaming ? { duplex: 'half' } : {}),
    } as RequestInit);
    const bytes = Buffer.from(await response.arrayBuffer());
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { status: response.status, headers, body: bytes, durationMs: performance.now() - started };
  } catch (error) {
    if (timeout.aborted) {
      throw new RuntimeClientError('timeout', `${request.method} ${request.url} timed out after ${request.timeoutMs} ms`);
    }
    if (request.signal?.aborted) throw error;
    throw new RuntimeClientError('unreachable', `${request.method} ${request.url} failed: ${causeOf(error)}`);
  }
};

export const parseJson = (body: Buffer): unknown => {
  if (body.length === 0) return null;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};
