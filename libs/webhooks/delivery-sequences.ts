import { Injectable } from '@nestjs/common';
import type { SignalDefinition } from '@temporalio/common';
import type { DeliveryInput, SubjectRef } from '../domain/webhooks';
import { SearchAttributes } from '../temporal/search-attributes';
import { WorkflowIds } from '../temporal/workflow-ids';
import { WorkflowStarter } from '../temporal/workflow-starter';
import {
  deliveryOpenedSignal,
  DeliverySequenceWorkflow,
  eventAcceptedSignal,
} from '../temporal/contracts/delivery-sequence.contract';

/** What a sequence is of: one webhook of an application, one subject. */
type SequenceOf = SubjectRef & { webhookId: string };

/**
 * The delivery sequences of webhooks with ordering `subject`: the API puts each accepted event in
 * line before it answers, which fixes the order; the event's dispatch then opens its delivery.
 */
@Injectable()
export class DeliverySequences {
  constructor(private readonly workflows: WorkflowStarter) {}

  /** Puts an accepted event in line in the sequence of each of these webhooks for its subject. */
  async lineUp(event: SubjectRef & { eventId: string }, webhookIds: string[]): Promise<void> {
    await Promise.all(
      webhookIds.map((webhookId) => this.tell({ ...event, webhookId }, eventAcceptedSignal, [event.eventId])),
    );
  }

  /** Tells a sequence the event's delivery to its webhook (null: the event does not go there after all). */
  async opened(
    event: SubjectRef & { eventId: string },
    webhookId: string,
    delivery: DeliveryInput | null,
  ): Promise<void> {
    await this.tell({ ...event, webhookId }, deliveryOpenedSignal, [{ eventId: event.eventId, delivery }]);
  }

  /** Whether the event's dispatch is over: then it has told every sequence all it will. */
  dispatchEnded(eventId: string): Promise<boolean> {
    return this.workflows.ended(WorkflowIds.eventDispatch(eventId));
  }

  private async tell<Args extends unknown[]>(
    of: SequenceOf,
    signal: SignalDefinition<Args>,
    signalArgs: Args,
  ): Promise<void> {
    await this.workflows.signalWithStart(DeliverySequenceWorkflow, {
      workflowId: WorkflowIds.deliverySequence(of.webhookId, of.subject),
      args: [{ applicationId: of.applicationId, webhookId: of.webhookId, subject: of.subject }],
      signal,
      signalArgs,
      typedSearchAttributes: [
        { key: SearchAttributes.ApplicationId, value: of.applicationId },
        { key: SearchAttributes.WebhookId, value: of.webhookId },
        { key: SearchAttributes.Subject, value: of.subject },
      ],
    });
  }
}
