import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { UsageBillingModule } from './billing/billing.module';
import { ControlPlaneConfig } from './config/config';
import { ConsoleController } from './console/console.controller';
import { ForwardingModule } from './forwarding/forwarding.module';
import { HealthController } from './health/health.controller';
import './health/health.openapi';
import { HttpModule } from './http/http.module';
import { loggerOptions } from './http/logging';
import { IdentityModule } from './identity/identity.module';
import { PlacementModule } from './placement/placement.module';
import { Platform } from './platform/platform';
import { PlatformModule } from './platform/platform.module';
import { ProcessesModule } from './processes/processes.module';
import { ReplicationModule } from './replication/replication.module';
import { PROBE_ROUND_HOOKS, RuntimeTargetProber } from './runtime-targets/health-prober';
import { TenancyModule } from './tenancy/tenancy.module';
import { UsageCollector } from './usage-ingest/usage-collector';

/**
 * The composition root: the platform (storage, event store, runners), the shared HTTP and auth layers,
 * and one module per bounded context. Wiring that joins two contexts lives here, not inside either.
 */
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
        HttpModule, AuthModule,
        TenancyModule, IdentityModule, PlacementModule, ForwardingModule, UsageBillingModule, AuditModule, ReplicationModule, ProcessesModule,
      ],
      controllers: [HealthController, ConsoleController],
      providers: [
        // The prober (placement) checks every runtime target; after each round the usage collector (usage and
        // billing) pulls the ready targets' usage feeds.
        RuntimeTargetProber,
        { provide: PROBE_ROUND_HOOKS, useFactory: (collector: UsageCollector) => [collector], inject: [UsageCollector] },
      ],
    };
  }
}
