import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class AssignRuntimeTargetDto {
  @ApiProperty({ example: 'rt_01hzy3k4m5n6p7q8r9s0t1v2w3' }) @IsString() @MinLength(1) @MaxLength(64)
  runtime_target_id!: string;
}

export class MigrateNamespaceDto {
  @ApiProperty({ example: 'rt_01hzy3k4m5n6p7q8r9s0t1v2w3' }) @IsString() @MinLength(1) @MaxLength(64)
  to_runtime_target_id!: string;

  @ApiProperty({ example: 'moving to the EU region', maxLength: 500 }) @IsString() @MaxLength(500)
  reason!: string;
}
