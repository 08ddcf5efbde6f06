import { randomUUID } from 'node:crypto';
import { controlPlaneHeaders } from './control-plane-protocol';
import { RuntimeClientError } from './errors';
import { FetchLike, parseJson, sendRequest } from './http-transport';

/** Ids that tie a runtime call to Cloud's audit log, and per-call limits. */
export interface RequestContext {
  /** Cloud's audit id; sent as X-Request-Id. Generated when absent. */
  readonly requestId?: string;
  readonly correlationId?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface ControlPlaneCall {
  readonly baseUrl: string;
  readonly credential: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly namespace?: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly context?: RequestContext;
}

export interface ControlPlaneResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON; `undefined` when the body was not JSON. */
  readonly json: unknown;
}

/** Joins a path to a base URL, keeping any base path (targets may be mounted below one). */
export const buildUrl = (baseUrl: string, path: string, query: ControlPlaneCall['query'] = {}): string => {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
  return url.toString();
};

const field = (json: unknown, name: string): unknown => (typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined);

/** Sends one JSON control-plane call with Cloud's standard headers. */
export class ControlPlaneCaller {
  constructor(
    private readonly fetchImpl: FetchLike,
    readonly defaultTimeoutMs: number,
  ) {}

  async call(call: ControlPlaneCall): Promise<ControlPlaneResult> {
    const context = call.context ?? {};
    const headers = controlPlaneHeaders(call.credential, {
      namespace: call.namespace,
      requestId: context.requestId ?? randomUUID(),
      correlationId: context.correlationId,
    });
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const response = await sendRequest(this.fetchImpl, {
      url: buildUrl(call.baseUrl, call.path, call.query),
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      timeoutMs: context.timeoutMs ?? this.defaultTimeoutMs,
      signal: context.signal,
    });
    return { status: response.status, headers: response.headers, json: parseJson(response.body) };
  }

  /** Like `call`, but any non-2xx answer becomes a `RuntimeClientError` of kind `http`. */
  async ok(call: ControlPlaneCall): Promise<ControlPlaneResult> {
    const result = await this.call(call);
    if (result.status >= 200 && result.status < 300) return result;
    throw httpError(call, result);
  }
}

export const httpError = (call: Pick<ControlPlaneCall, 'method' | 'path'>, result: ControlPlaneResult): RuntimeClientError => {
  const reason = field(result.json, 'reason');
  const message = field(result.json, 'message');
  return new RuntimeClientError(
    'http',
    `${call.method} ${call.path} answered ${result.status}${typeof message === 'string' ? `: ${message}` : ''}`,
    { status: result.status, reason: typeof reason === 'string' ? reason : null, body: result.json },
  );
};
