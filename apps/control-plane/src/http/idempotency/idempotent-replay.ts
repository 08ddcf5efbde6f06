import { FastifyReply } from 'fastify';

export interface StoredResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Thrown by the interceptor to short-circuit the handler; the exception filter sends the stored answer. */
export class IdempotentReplay extends Error {
  constructor(readonly response: StoredResponse) {
    super('idempotent replay');
  }

  send(reply: FastifyReply): void {
    const { 'x-dwc-stored-body-base64': base64, ...headers } = this.response.headers;
    void reply.status(this.response.status).headers({ ...headers, 'idempotent-replayed': 'true' });
    if (this.response.contentType) void reply.header('content-type', this.response.contentType);
    void reply.send(base64 ? Buffer.from(this.response.body, 'base64') : this.response.body);
  }
}
