import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DeliveryInput, DeliveryState } from '../../domain/webhooks';
import { workflowContract } from './workflow-contract';

export const WebhookDeliveryWorkflow =
  workflowContract<(input: DeliveryInput) => Promise<DeliveryState>>('webhookDelivery');
/** Skips the wait before the next attempt. */
export const retryNowSignal = defineSignal('retryNow');
/** Stops the delivery (it ends cancelled). */
export const cancelSignal = defineSignal('cancel');
export const deliveryStateQuery = defineQuery<DeliveryState>('state');
