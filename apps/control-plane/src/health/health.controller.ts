import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { sql } from 'kysely';
import { register } from 'prom-client';
import { formatPosition } from '../../../../libs/event-store/src';
import { Public } from '../auth/decorators';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(PLATFORM) private readonly platform: Platform,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  /** Ready only when storage answers and the projections are running (here, or in apps/projector). */
  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('storage');
        try {
          await sql`select 1`.execute(this.platform.storage.db);
          return indicator.up({ kind: this.platform.storage.kind });
        } catch (error) {
          return indicator.down({ error: (error as Error).message });
        }
      },
      async () => {
        const indicator = this.indicators.check('projections');
        if (!this.platform.embeddedProjector) return indicator.up({ mode: 'external' });
        const status = Object.fromEntries(Object.entries(this.platform.runner.status())
          .map(([name, s]) => [name, { status: s.status, position: formatPosition(s.position) }]));
        return this.platform.runner.healthy ? indicator.up({ projectors: status }) : indicator.down({ projectors: status });
      },
    ]);
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('content-type', register.contentType)
  metrics() {
    return register.metrics();
  }
}
