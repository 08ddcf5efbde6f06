import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AuditController } from './audit/audit.controller';
import { ConsoleController } from './console/console.controller';
import { AuditLogQueries } from './audit/audit-log.queries';
import { AccessDenials } from './auth/access-denials';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator';
import { AuthGuard } from './auth/auth.guard';
import { Authorizer } from './auth/authorizer';
import { billingControllers, billingProviders } from './billing/billing.providers';
import { FailedAuthThrottle } from './auth/failed-auth-throttle';
import { LastUsedRecorder } from './auth/last-used-recorder';
import { ControlPlaneConfig } from './config/config';
import { HealthController } from './health/health.controller';
import { Consistency } from './http/consistency';
import { IdempotencyInterceptor } from './http/idempotency/idempotency.interceptor';
import { IdempotencyStore } from './http/idempotency/idempotency-store';
import { loggerOptions } from './http/logging';
import { ProblemFilter } from './http/problem.filter';
import { identityControllers, identityProviders } from './identity/identity.providers';
import { BootstrapOrganizationHandler } from './operator/bootstrap-organization';
import { OrganizationsController } from './operator/organizations.controller';
import { placementControllers, placementProviders } from './placement/placement.providers';
import { Platform } from './platform/platform';
import { PlatformModule } from './platform/platform.module';
import { EnvironmentsController } from './tenancy/environments.controller';
import { NamespacesController } from './tenancy/namespaces.controller';
import { ProjectsController } from './tenancy/projects.controller';
import { tenancyCommandHandlers } from './tenancy/tenancy.commands';
import { TenancyQueries } from './tenancy/tenancy.queries';

@Module({})
export class AppModule {
  static create(platform: Platform, config: ControlPlaneConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(platform, config),
        LoggerModule.forRoot(loggerOptions(config)),
        CqrsModule.forRoot(),
        TerminusModule,
      ],
      controllers: [HealthController, ConsoleController, AuditController, OrganizationsController, ProjectsController, EnvironmentsController, NamespacesController, ...identityControllers, ...billingControllers, ...placementControllers],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_FILTER, useClass: ProblemFilter },
        IdempotencyStore, Consistency, TenancyQueries, AuditLogQueries,
        ApiKeyAuthenticator, AccessDenials, Authorizer, FailedAuthThrottle, LastUsedRecorder,
        BootstrapOrganizationHandler, ...tenancyCommandHandlers,
        ...identityProviders, ...billingProviders, ...placementProviders,
      ],
    };
  }
}
