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
    const tooLarge = error instanceof ResponseTooLargeError ? error : (error as { cause?: unknown }).cause;
    if (tooLarge instanceof ResponseTooLargeError) throw new RuntimeClientError('invalid_response', tooLarge.message);
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

/** The target's answer is larger than DWC_RUNTIME_MAX_RESPONSE_BYTES: the read stops there. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the runtime target's response exceeds ${limit} bytes (DWC_RUNTIME_MAX_RESPONSE_BYTES)`);
  }
}

const BODYLESS = new Set([101, 204, 205, 304]);

/**
 * A fetch whose response bodies are read as a stream and cut off past `maxBytes`: one tenant's
 * target cannot make the shared process buffer an unbounded reply. A declared Content-Length over
 * the limit is refused before reading anything.
 */
export function cappedFetch(fetchImpl: FetchLike, maxBytes: number): FetchLike {
  return (async (input: Parameters<FetchLike>[0], init?: Parameters<FetchLike>[1]) => {
    const response = await fetchImpl(input, init);
    if (BODYLESS.has(response.status) || !response.body) return response;
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(maxBytes);
    }
    let seen = 0;
    const capped = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(new ResponseTooLargeError(maxBytes));
        else controller.enqueue(chunk);
      },
    }));
    return new Response(capped as unknown as ConstructorParameters<typeof Response>[0], { status: response.status, statusText: response.statusText, headers: response.headers });
  }) as FetchLike;
}
