import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { Consistency } from './consistency';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyStore } from './idempotency/idempotency-store';
import { ProblemFilter } from './problem.filter';

/**
 * The HTTP conventions every context's controllers share (not a bounded context): problem+json errors,
 * safe retries with Idempotency-Key, and read-your-writes consistency.
 */
@Global()
@Module({
  providers: [
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    { provide: APP_FILTER, useClass: ProblemFilter },
    IdempotencyStore, Consistency,
  ],
  exports: [IdempotencyStore, Consistency],
})
export class HttpModule {}
