import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { WorkspacesRepository } from '../../../../libs/persistence/repositories/workspaces.repository';
import { Workspace } from '../../../../libs/persistence/schemas/workspace.schema';
import { Auth } from '../auth/auth.decorator';
import {
  CreateWorkspaceDto,
  WorkspaceListResponse,
  WorkspaceParams,
  WorkspaceResponse,
} from './dto/workspace.dto';
import { WorkspacesService } from './workspaces.service';

const view = (workspace: Workspace, apiToken?: string): WorkspaceResponse => ({
  id: workspace._id,
  name: workspace.name,
  createdAt: workspace.createdAt.toISOString(),
  ...(apiToken ? { apiToken } : {}),
});

@ApiTags('workspaces')
@Auth('operator')
@Controller('workspaces')
export class WorkspacesController {
  constructor(
    private readonly workspaces: WorkspacesRepository,
    private readonly service: WorkspacesService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a workspace and its API token (shown once)' })
  @ApiCreatedResponse({ type: WorkspaceResponse })
  async create(@Body() body: CreateWorkspaceDto): Promise<WorkspaceResponse> {
    const { workspace, apiToken } = await this.workspaces.create(body.name);
    return view(workspace, apiToken);
  }

  @Get()
  @ApiOperation({ summary: 'All workspaces' })
  @ApiOkResponse({ type: WorkspaceListResponse })
  async list(): Promise<WorkspaceListResponse> {
    return { items: (await this.workspaces.list()).map((w) => view(w)) };
  }

  @Post(':id/api-token/rotate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'A new API token for the workspace; the old one, and console sessions it opened, stop at once',
  })
  @ApiOkResponse({ type: WorkspaceResponse })
  @ApiNotFoundResponse()
  @ApiConflictResponse({
    description:
      'TOKEN_ROTATED_CONCURRENTLY: another call rotated the same token at once and received the new one',
  })
  async rotateApiToken(@Param() { id }: WorkspaceParams): Promise<WorkspaceResponse> {
    const rotated = await this.service.rotateApiToken(id);
    return view(rotated.workspace, rotated.apiToken);
  }
}
