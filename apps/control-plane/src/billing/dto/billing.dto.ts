import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, IsString, ValidateBy, ValidateNested, ValidationOptions } from 'class-validator';

/**
 * The query of `GET /api/v1/billing/usage` (and `/export`, `/report`). Nothing else is accepted: the organization
 * comes only from the API key, so `organization_id`, `customer_id` or any other parameter is a 400 naming it.
 */
export class BillingUsageQuery {
  @ApiPropertyOptional({ example: '2026-05-01', description: 'first day (YYYY-MM-DD, UTC); default: first day of the current month' })
  @IsOptional() @IsString()
  period_start?: string;

  @ApiPropertyOptional({ example: '2026-05-31', description: 'last day, included (YYYY-MM-DD, UTC); default: last day of that month' })
  @IsOptional() @IsString()
  period_end?: string;
}

/** A JSON integer ≥ 0 or a string of decimal digits; the price-book decider checks the ranges. */
const IsIntegerOrDigits = (options?: ValidationOptions) => ValidateBy({
  name: 'isIntegerOrDigits',
  validator: {
    validate: (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
      || (typeof value === 'string' && /^[0-9]{1,18}$/.test(value)),
    defaultMessage: (args) => `${args?.property} must be a non-negative integer or a string of at most 18 digits`,
  },
}, options);

export class PriceDto {
  @ApiProperty({ example: '25', oneOf: [{ type: 'string' }, { type: 'integer' }] })
  @IsDefined() @IsIntegerOrDigits()
  cents!: string | number;

  @ApiProperty({ example: '1000000', oneOf: [{ type: 'string' }, { type: 'integer' }] })
  @IsDefined() @IsIntegerOrDigits()
  per_units!: string | number;
}

/** `cents` cents per `per_units` billable actions. */
export class SetPriceBookDto {
  @ApiProperty({ type: PriceDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => PriceDto)
  billable_action!: PriceDto;
}
