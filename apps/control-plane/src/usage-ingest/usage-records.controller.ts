import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest } from '../auth/principal';
import { clockOf } from '../http/clock';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IngestTokenOnly } from '../auth/decorators';
import { UsageIngestion } from '../billing/usage-ingestion';
import { RuntimeTargetRow } from '../runtime-targets/runtime-target.queries';
import { IngestingTarget, IngestTokenGuard } from './ingest-token.guard';
import { PlacementHistoryLookup } from './placement-history.lookup';
import { UsageReportDto } from './usage-records.dto';

/** A runtime target pushes its metered usage; only namespaces it served during each record's window are accepted. */
@ApiTags('usage')
@ApiBearerAuth()
@IngestTokenOnly()
@UseGuards(IngestTokenGuard)
@Controller('api/v1/usage-records')
export class UsageRecordsController {
  constructor(
    private readonly ingestion: UsageIngestion,
    private readonly placements: PlacementHistoryLookup,
  ) {}

  @Post()
  @HttpCode(200)
  async report(@Req() request: AuthenticatedRequest, @IngestingTarget() target: RuntimeTargetRow, @Body() body: UsageReportDto) {
    const results = await this.ingestion.ingest(target.id, body.records, clockOf(request)(), this.placements.lookup);
    const count = (status: string) => results.filter((r) => r.status === status).length;
    return { runtime_target_id: target.id, accepted: count('accepted'), duplicate: count('duplicate'), rejected: count('rejected'), results };
  }
}
