import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray } from 'class-validator';

export const MAX_RECORDS_PER_REPORT = 1000;

/** Records are validated one by one by the usage domain, so one bad record does not refuse the batch. */
export class UsageReportDto {
  @ApiProperty({ description: 'record_id, namespace (runtime namespace), action_type, quantity, window_start, window_end', type: 'array', items: { type: 'object' } })
  @IsArray() @ArrayMaxSize(MAX_RECORDS_PER_REPORT)
  records!: unknown[];
}
