import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { sql } from 'kysely';
import { register } from 'prom-client';
import { comparePositions, formatPosition, START } from '../../../../libs/event-store/src';
import { readCheckpoints } from '../../../../libs/read-model/src/projection/checkpoints';
import { ControlPlaneConfig } from '../config/config';
import { Public } from '../auth/decorators';
import { Platform } from '../platform/platform';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';

export const DEFAULT_PROJECTOR_STALL_MS = 30_000;

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
  ) {}

  /**
   * When the projectors run in another process (apps/projector), their checkpoints tell whether it
   * is alive: a projector behind the log while no checkpoint has moved for DWC_PROJECTOR_STALL_MS
   * (a working projector moves one at least every second while behind) means it stopped advancing.
   */
  private async externalProjectors() {
    const checkpoints = await readCheckpoints(this.platform.storage.db);
    const head = await this.platform.store.lastCommittedPosition();
    const behind = this.platform.runner.projectors.map((p) => p.name)
      .filter((name) => comparePositions(checkpoints.get(name) ?? START, head) < 0);
    const idle = await sql<{ ms: number | null }>`select (extract(epoch from (now() - max(updated_at))) * 1000)::float8 as ms
      from projection_checkpoints`.execute(this.platform.storage.db);
    const unchangedMs = Math.round(Number(idle.rows[0]?.ms ?? 0));
    const limit = this.config.projectorStallMs ?? DEFAULT_PROJECTOR_STALL_MS;
    return { stalled: behind.length > 0 && unchangedMs >= limit, behind, head: formatPosition(head), unchanged_ms: unchangedMs };
  }

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
        if (!this.platform.embeddedProjector) {
          try {
            const external = await this.externalProjectors();
            return external.stalled ? indicator.down({ mode: 'external', ...external }) : indicator.up({ mode: 'external', ...external });
          } catch (error) {
            return indicator.down({ mode: 'external', error: (error as Error).message });
          }
        }
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
