import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AUTH_OUTCOMES } from '../../../../libs/domain/runtime-commands/events';
import { PageQuery } from '../http/pagination';

export class RuntimeCommandsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'workflows.forward' }) @IsOptional() @IsString() @MaxLength(64) @Matches(/^[a-z_.]+$/)
  capability?: string;

  @ApiPropertyOptional({ enum: AUTH_OUTCOMES }) @IsOptional() @IsIn(AUTH_OUTCOMES)
  auth_outcome?: string;

  @ApiPropertyOptional({ description: 'RFC 3339; commands at or after' }) @IsOptional() @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'RFC 3339; commands before' }) @IsOptional() @IsISO8601({ strict: true })
  until?: string;
}
