import { Injectable } from '@nestjs/common';
import { Context } from '@temporalio/activity';
import type {
  SubjectErasureBatch,
  SubjectErasureInput,
  SubjectErasureResult,
  SubjectRef,
} from '../libs/domain/webhooks';
import { SubjectErasure } from '../libs/webhooks/subject-erasure';

/** The subject erasure workflow's steps. */
@Injectable()
export class SubjectErasureActivities {
  constructor(private readonly erasure: SubjectErasure) {}

  destroySubjectKey(subject: SubjectRef): Promise<boolean> {
    return this.erasure.destroyKey(subject);
  }

  cancelSubjectDeliveries(subject: SubjectRef): Promise<number> {
    return this.erasure.cancelPending(subject);
  }

  eraseSubjectPayloads(subject: SubjectRef): Promise<SubjectErasureBatch> {
    return this.erasure.eraseBatch(subject);
  }

  recordSubjectErasure(input: SubjectErasureInput & { result: SubjectErasureResult }): Promise<void> {
    const { runId } = Context.current().info.workflowExecution!;
    return this.erasure.recordAudit({ ...input, runId });
  }
}
