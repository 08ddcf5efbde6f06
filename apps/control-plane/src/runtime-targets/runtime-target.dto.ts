import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { MAX_BASE_URL_LENGTH } from '../../../../libs/domain/placement/runtime-target/base-url';

/** Field rules beyond types and lengths (URL shape, label syntax) are the domain's, answered 422. */
export class RegisterRuntimeTargetDto {
  @ApiProperty({ example: 'eu primary' }) @IsString() @MinLength(1) @MaxLength(100)
  name!: string;

  @ApiProperty({ example: 'https://runtime.example.com', maxLength: MAX_BASE_URL_LENGTH })
  @IsString() @MinLength(1) @MaxLength(MAX_BASE_URL_LENGTH)
  base_url!: string;

  @ApiProperty({ example: 'eu-west-1' }) @IsString() @MinLength(1) @MaxLength(63)
  region!: string;

  @ApiProperty({ example: 'aws' }) @IsString() @MinLength(1) @MaxLength(63)
  provider!: string;

  @ApiProperty({ description: 'Bearer token of the runtime (admin role); stored encrypted, never returned', writeOnly: true })
  @IsString() @MinLength(1) @MaxLength(4096)
  credential!: string;
}
