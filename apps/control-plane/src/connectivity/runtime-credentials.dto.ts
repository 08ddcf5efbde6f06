import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';

export class IssueRuntimeCredentialDto {
  @ApiProperty({ example: 'orders worker fleet' }) @IsString() @MinLength(1) @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: ['client', 'worker'], description: 'client: start and signal workflows (runtime operator role); worker: poll and complete tasks' })
  @IsIn(['client', 'worker'])
  role!: 'client' | 'worker';
}
