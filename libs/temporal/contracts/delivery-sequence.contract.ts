import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DeliveryInput, DeliverySequenceInput, DeliverySequenceState } from '../../domain/webhooks';
import { workflowContract } from './workflow-contract';

export const DeliverySequenceWorkflow =
  workflowContract<(input: DeliverySequenceInput) => Promise<void>>('deliverySequence');
/** The API accepted an event about the subject: it takes its place in line, before the API answers. */
export const eventAcceptedSignal = defineSignal<[eventId: string]>('eventAccepted');
/** The event's dispatch opened its delivery to the webhook, or found it does not go there (null). */
export const deliveryOpenedSignal =
  defineSignal<[opened: { eventId: string; delivery: DeliveryInput | null }]>('deliveryOpened');
export const sequenceStateQuery = defineQuery<DeliverySequenceState>('state');
