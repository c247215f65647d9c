import { Injectable } from '@nestjs/common';
import type { WorkspacePrincipal } from '../../../../libs/auth/principal';
import { Environment } from '../../../../libs/config/environment';
import { SearchAttributes } from '../../../../libs/temporal/search-attributes';
import { WorkflowIds } from '../../../../libs/temporal/workflow-ids';
import { WorkflowStarter } from '../../../../libs/temporal/workflow-starter';
import { SubjectErasureWorkflow } from '../../../../libs/temporal/contracts/subject-erasure.contract';
import { actorOf, ApplicationsService } from '../applications/applications.service';
import type { SubjectErasureResponse } from './dto/subject.dto';

/** What the service keeps about a subject, and erasing it. */
@Injectable()
export class SubjectsService {
  constructor(
    private readonly workflows: WorkflowStarter,
    private readonly applications: ApplicationsService,
    private readonly env: Environment,
  ) {}

  /**
   * Starts erasing the subject, durably; the same request while it runs finds that run, and one
   * after it erases again (what came about the subject since). Answers with what it did when the
   * workflow ends within API_WORKFLOW_WAIT_MS.
   */
  async erase(
    principal: WorkspacePrincipal,
    appId: string,
    subject: string,
  ): Promise<SubjectErasureResponse> {
    const application = await this.applications.owned(principal, appId);
    const workflowId = WorkflowIds.subjectErasure(application._id, subject);
    const erasure = await this.workflows.startAndWait(
      SubjectErasureWorkflow,
      {
        workflowId,
        args: [{ applicationId: application._id, subject, requestedBy: actorOf(principal) }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: SearchAttributes.ApplicationId, value: application._id },
          { key: SearchAttributes.Subject, value: subject },
        ],
      },
      this.env.API_WORKFLOW_WAIT_MS,
    );
    return erasure.finished ? { workflowId, ...erasure.result } : { workflowId };
  }
}
