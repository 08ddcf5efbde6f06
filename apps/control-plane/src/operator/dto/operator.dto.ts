import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Acme' }) @IsString() @MinLength(1) @MaxLength(100)
  name!: string;

  @ApiProperty({ example: 'owner@acme.test' }) @IsEmail() @MaxLength(254)
  owner_email!: string;
}

export class BillingRestrictionDto {
  @ApiProperty() @IsBoolean()
  restricted!: boolean;

  @ApiProperty({ example: 'invoice overdue' }) @IsString() @MaxLength(500)
  reason!: string;
}
