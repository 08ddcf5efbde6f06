import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Params } from 'nestjs-pino';
import pino from 'pino';
import { ControlPlaneConfig } from '../config/config';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** A caller's X-Request-Id is kept when it is sane; otherwise the request gets a fresh UUID. */
export const requestIdFor = (request: IncomingMessage): string => {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
};

/**
 * JSON logs, one small line per request with its id. Credentials never reach a log line: the request
 * serializer keeps method, URL and id only, and authorization headers are redacted wherever they appear.
 */
export function loggerOptions(config: ControlPlaneConfig): Params {
  const destination = process.env.DWC_LOG_FILE
    ? pino.destination({ dest: process.env.DWC_LOG_FILE, sync: false, append: true, mkdir: true })
    : pino.destination({ sync: false });
  return {
    forRoutes: ['{*splat}'],
    pinoHttp: {
      level: config.logLevel,
      stream: destination,
      redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.token', '*.ingest_token', '*.credential'], censor: '[redacted]' },
      genReqId: (request) => (request as IncomingMessage & { id?: string }).id ?? requestIdFor(request),
      customProps: (request) => ({ request_id: (request as IncomingMessage & { id?: string }).id }),
      serializers: {
        req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url.split('?')[0] }),
        res: (response: { statusCode: number }) => ({ status: response.statusCode }),
      },
    },
  };
}
