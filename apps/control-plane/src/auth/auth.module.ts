import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessDenials } from './access-denials';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { AuthGuard } from './auth.guard';
import { Authorizer } from './authorizer';
import { FailedAuthThrottle } from './failed-auth-throttle';
import { LastUsedRecorder } from './last-used-recorder';

/**
 * Authentication and authorization of every request (the identity context's adapter that every other
 * context's controllers use): the global guard, the one `can()` check with its audited denials.
 */
@Global()
@Module({
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    ApiKeyAuthenticator, AccessDenials, Authorizer, FailedAuthThrottle, LastUsedRecorder,
  ],
  exports: [ApiKeyAuthenticator, AccessDenials, Authorizer, FailedAuthThrottle],
})
export class AuthModule {}
