import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';
import { trimmed } from '../../../../../libs/http/transforms';

export class CreateWorkspaceDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Acme KYC' })
  @Transform(trimmed)
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name: string;
}

export class WorkspaceParams {
  @ApiProperty({ example: 'ws_3xYk…' })
  @Matches(/^ws_[0-9A-Za-z]{1,40}$/, { message: 'id must be a workspace ID (ws_…)' })
  id: string;
}

export class WorkspaceResponse {
  @ApiProperty({ example: 'ws_3xYk…' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({
    description: 'The workspace API token: shown only when created or rotated, stored only as a hash',
    example: 'wst_…',
  })
  apiToken?: string;
}

export class WorkspaceListResponse {
  @ApiProperty({ type: [WorkspaceResponse] }) items: WorkspaceResponse[];
}
