import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DeliveryInput, DeliverySequenceState } from '../libs/domain/webhooks';

// The delivery sequence's messages, apart from it so that the delivery workflow can tell it it ended.

/** The API accepted an event about the subject: it takes its place in line, before the API answers. */
export const eventAcceptedSignal = defineSignal<[eventId: string]>('eventAccepted');
/** The event's dispatch opened its delivery to the webhook, or found it does not go there (null). */
export const deliveryOpenedSignal =
  defineSignal<[opened: { eventId: string; delivery: DeliveryInput | null }]>('deliveryOpened');
/** The event's delivery ended (succeeded, finally failed or cancelled): the next one may go. */
export const deliveryEndedSignal = defineSignal<[eventId: string]>('deliveryEnded');
export const sequenceStateQuery = defineQuery<DeliverySequenceState>('state');
