import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { BindingRole, MAX_ROTATION_GRACE_SECONDS, OrganizationRole } from '../../../../../libs/domain/identity';
import { PageQuery } from '../../http/pagination';

/**
 * Request shapes of the identity routes. The DTOs check types and sizes; the deciders own the rules
 * (email and name shapes, roles, scopes, expiry), so a well-typed but invalid value is a 422 naming
 * its field, exactly as it would be for any other client of the domain.
 */

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const ID_MESSAGE = 'must be an id (letters, digits, \'_\' or \'-\', at most 128 characters)';

export class DryRunQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'validate and decide, append nothing, answer the permission diff' })
  @IsOptional() @IsIn(['true', 'false'])
  dry_run?: 'true' | 'false';
}

export const isDryRun = (query: DryRunQuery): boolean => query.dry_run === 'true';

export class CreateUserDto {
  @ApiProperty({ example: 'dev@acme.test' }) @IsString() @MaxLength(320)
  email!: string;

  @ApiProperty({ enum: OrganizationRole.values, example: 'member' }) @IsString() @MaxLength(32)
  organization_role!: string;
}

export class ChangeMemberRoleDto {
  @ApiProperty({ enum: OrganizationRole.values, example: 'admin' }) @IsString() @MaxLength(32)
  organization_role!: string;
}

export class CreateServiceAccountDto {
  @ApiProperty({ example: 'ci-deployer', description: 'DNS label, unique among the organization\'s service accounts' })
  @IsString() @MaxLength(63)
  name!: string;
}

export class RoleScopeDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'commerce' }) @IsOptional() @IsString() @MaxLength(255)
  project?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'prod' }) @IsOptional() @IsString() @MaxLength(255)
  environment?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'orders' }) @IsOptional() @IsString() @MaxLength(255)
  namespace?: string | null;
}

export class CreateRoleBindingDto {
  @ApiProperty({ example: 'usr_01hx0000000000000000000000' }) @IsString() @Matches(ID, { message: `principal_id ${ID_MESSAGE}` })
  principal_id!: string;

  @ApiProperty({ enum: BindingRole.values, example: 'viewer' }) @IsString() @MaxLength(32)
  role!: string;

  @ApiProperty({ type: RoleScopeDto }) @IsObject() @ValidateNested() @Type(() => RoleScopeDto)
  scope!: RoleScopeDto;
}

export class RoleBindingListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(ID, { message: `principal_id ${ID_MESSAGE}` })
  principal_id?: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'usr_01hx0000000000000000000000' }) @IsString() @Matches(ID, { message: `principal_id ${ID_MESSAGE}` })
  principal_id!: string;

  @ApiProperty({ example: 'ci pipeline' }) @IsString() @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2030-01-01T00:00:00Z', description: 'RFC 3339; absent: the key never expires' })
  @IsOptional() @IsString() @MaxLength(64)
  expires_at?: string | null;
}

export class ApiKeyListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(ID, { message: `principal_id ${ID_MESSAGE}` })
  principal_id?: string;
}

export class ApiKeyReasonDto {
  @ApiPropertyOptional({ example: 'suspected leak' }) @IsOptional() @IsString() @MaxLength(500)
  reason?: string;
}

export class RotateApiKeyDto {
  @ApiProperty({ minimum: 0, maximum: MAX_ROTATION_GRACE_SECONDS, example: 3600,
    description: 'how long the replaced token keeps working' })
  @IsInt() @Min(0) @Max(MAX_ROTATION_GRACE_SECONDS)
  grace_seconds!: number;
}
