import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiError } from '../../../../libs/http/api-error';
import { ConsoleSessionsRepository } from '../../../../libs/persistence/repositories/console-sessions.repository';
import { WorkspacesRepository } from '../../../../libs/persistence/repositories/workspaces.repository';
import { Workspace } from '../../../../libs/persistence/schemas/workspace.schema';
import { Auth } from '../auth/auth.decorator';
import {
  CreateWorkspaceDto,
  WorkspaceListResponse,
  WorkspaceParams,
  WorkspaceResponse,
} from './dto/workspace.dto';

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
    private readonly sessions: ConsoleSessionsRepository,
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
  async rotateApiToken(@Param() { id }: WorkspaceParams): Promise<WorkspaceResponse> {
    const rotated = await this.workspaces.rotateApiToken(id);
    if (!rotated) throw new ApiError(HttpStatus.NOT_FOUND, 'WORKSPACE_NOT_FOUND', `No workspace ${id}`);
    // A console signed in with the old token is signed out with it.
    await this.sessions.revokeWorkspace(id);
    return view(rotated.workspace, rotated.apiToken);
  }
}
