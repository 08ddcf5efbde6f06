import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DNS_LABEL, MAX_DESCRIPTION_LENGTH } from '../../../../../libs/domain/tenancy/names';

const DNS_LABEL_MESSAGE = 'name must be a DNS label: lowercase letters, digits and hyphens, 1-63 characters, not starting or ending with a hyphen';

export class CreateNamedResourceDto {
  @ApiProperty({ example: 'commerce', pattern: DNS_LABEL.source })
  @IsString() @Matches(DNS_LABEL, { message: DNS_LABEL_MESSAGE })
  name!: string;

  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH })
  @IsOptional() @IsString() @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string;
}

export class CreateProjectDto extends CreateNamedResourceDto {}
export class CreateEnvironmentDto extends CreateNamedResourceDto {}

export class CreateNamespaceDto extends CreateNamedResourceDto {
  @ApiPropertyOptional({ description: 'place the namespace on this runtime target at creation' })
  @IsOptional() @IsString() @MaxLength(64)
  runtime_target_id?: string;
}

export class UpdateDescriptionDto {
  @ApiProperty({ maxLength: MAX_DESCRIPTION_LENGTH })
  @IsString() @MaxLength(MAX_DESCRIPTION_LENGTH)
  description!: string;
}
