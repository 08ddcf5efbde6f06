import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ControlPlaneConfig } from './config/config';
import { AuthenticatedRequest } from './auth/principal';
import { systemClock } from './http/clock';
import { IdempotencyStore } from './http/idempotency/idempotency-store';
import { recordIdempotentResponses } from './http/idempotency/record-response.hook';
import { requestIdFor } from './http/logging';
import { instrumentHttp } from './http/metrics';
import { requireJsonBodies } from './http/json-bodies.hook';
import { problemSafetyNet } from './http/problem-safety-net.hook';
import { PROBLEM_BASE } from './http/problem';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { validationPipe } from './http/validation';
import { Platform } from './platform/platform';

/** Builds the HTTP application on an opened platform; main.ts and the end-to-end tests both use it. */
export async function createControlPlaneApp(platform: Platform, config: ControlPlaneConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdFor,
    // Explicit (DWC_TRUST_PROXY): behind a load balancer every client would otherwise share its address.
    trustProxy: (config.trustProxy ?? false) as boolean | string,
    // The forwarding route's wildcard holds a runtime path: workflow ids of 128 and operation names of
    // 256 characters must fit (apps/control-plane/src/forwarding/runtime-path.ts caps it at 1024).
    routerOptions: { maxParamLength: 1100 },
    // Bad URLs and over-long path segments are refused by the router itself, before any hook runs.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      void reply.status(status).header('content-type', 'application/problem+json; charset=utf-8').send({
        type: `${PROBLEM_BASE}invalid-request`, title: status === 414 ? 'URI Too Long' : 'Bad Request', status,
        detail: error.message, request_id: request.id,
      });
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.create(platform, config), adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(validationPipe());

  const fastify = app.getHttpAdapter().getInstance();
  const clock = config.clock ?? systemClock;
  fastify.addHook('onRequest', async (request) => { (request as AuthenticatedRequest).clock = clock; });
  instrumentHttp(fastify, platform);
  requireJsonBodies(fastify);
  problemSafetyNet(fastify);
  recordIdempotentResponses(fastify, app.get(IdempotencyStore));
  fastify.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', request.id);
    return payload;
  });
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  await app.init();
  return app;
}
