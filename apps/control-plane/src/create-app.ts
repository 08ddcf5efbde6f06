import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ControlPlaneConfig } from './config/config';
import { IdempotencyStore } from './http/idempotency/idempotency-store';
import { recordIdempotentResponses } from './http/idempotency/record-response.hook';
import { requestIdFor } from './http/logging';
import { instrumentHttp } from './http/metrics';
import { PROBLEM_BASE } from './http/problem';
import { validationPipe } from './http/validation';
import { Platform } from './platform/platform';

/** Builds the HTTP application on an opened platform; main.ts and the end-to-end tests both use it. */
export async function createControlPlaneApp(platform: Platform, config: ControlPlaneConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdFor,
    trustProxy: false,
    routerOptions: { maxParamLength: 200 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.create(platform, config), adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  instrumentHttp(fastify, platform);
  recordIdempotentResponses(fastify, app.get(IdempotencyStore));
  fastify.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', request.id);
    return payload;
  });
  // Refusals that happen before a route runs (unparseable JSON, oversized or non-JSON bodies) get problem+json too.
  fastify.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    void reply.status(status).header('content-type', 'application/problem+json').send({
      type: `${PROBLEM_BASE}${status === 413 ? 'payload-too-large' : status === 415 ? 'unsupported-media-type' : status >= 500 ? 'internal-error' : 'invalid-request'}`,
      title: status >= 500 ? 'Internal Server Error' : 'Bad Request',
      status, detail: status >= 500 ? 'an unexpected error occurred' : error.message, instance: request.url.split('?')[0], request_id: request.id,
    });
  });

  const document = SwaggerModule.createDocument(app, new DocumentBuilder()
    .setTitle('Durable Workflow Cloud control plane')
    .setDescription('Tenancy, identity, runtime targets, placement, billing usage and audit above Durable Workflow runtime targets. Errors are application/problem+json.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'dwc_ API key, or the operator token on /api/v1/operator routes' })
    .build());
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  await app.init();
  return app;
}
