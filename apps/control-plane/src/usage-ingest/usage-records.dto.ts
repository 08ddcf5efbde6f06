import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray } from 'class-validator';
import { USAGE_ACTION_TYPES } from '../../../../libs/domain/usage/action-types';

export const MAX_RECORDS_PER_REPORT = 1000;

/** One metered record as a runtime target reports it (documentation only: the usage domain validates each record). */
export class UsageRecordDocDto {
  @ApiProperty({ example: 'rec-000001', maxLength: 200, description: 'unique per runtime target; a re-sent record is a duplicate' })
  record_id!: string;

  @ApiProperty({ example: 'dwc-orders-1a2b3c', description: 'the runtime namespace the usage happened in' })
  namespace!: string;

  @ApiProperty({ enum: [...USAGE_ACTION_TYPES], example: 'workflow_start' })
  action_type!: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 3 })
  quantity!: number;

  @ApiProperty({ format: 'date-time', example: '2026-05-10T10:00:00Z' })
  window_start!: string;

  @ApiProperty({ format: 'date-time', example: '2026-05-10T11:00:00Z' })
  window_end!: string;
}

/** Records are validated one by one by the usage domain, so one bad record does not refuse the batch. */
export class UsageReportDto {
  @ApiProperty({ type: () => [UsageRecordDocDto], maxItems: MAX_RECORDS_PER_REPORT })
  @IsArray() @ArrayMaxSize(MAX_RECORDS_PER_REPORT)
  records!: unknown[];
}
