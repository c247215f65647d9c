import { Controller, Delete, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { WorkspacePrincipal } from '../../../../libs/auth/principal';
import { Auth, CurrentPrincipal } from '../auth/auth.decorator';
import { SubjectErasureResponse, SubjectParams } from './dto/subject.dto';
import { SubjectsService } from './subjects.service';

@ApiTags('subjects')
@Auth('workspace')
@ApiNotFoundResponse({ description: 'No such application for this caller' })
@Controller('applications/:appId/subjects')
export class SubjectsController {
  constructor(private readonly subjects: SubjectsService) {}

  @Delete(':subject')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Erase a subject: every payload about it becomes unreadable wherever it was stored (its data key is destroyed), its pending deliveries stop, its stored payloads go; metadata stays',
  })
  @ApiAcceptedResponse({ type: SubjectErasureResponse })
  erase(@CurrentPrincipal() p: WorkspacePrincipal, @Param() { appId, subject }: SubjectParams) {
    return this.subjects.erase(p, appId, subject);
  }
}
