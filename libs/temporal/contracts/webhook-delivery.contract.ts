import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DeliveryInput, DeliveryState } from '../../domain/webhooks';
import { workflowContract } from './workflow-contract';

/** How every delivery starts now; one workflow task when its first attempt succeeds. */
export const WebhookDeliveryV2Workflow =
  workflowContract<(input: DeliveryInput) => Promise<DeliveryState>>('webhookDeliveryV2');
/** The first version: started by nothing new, kept for the runs of it (and ordered webhooks' sequences). */
export const WebhookDeliveryWorkflow =
  workflowContract<(input: DeliveryInput) => Promise<DeliveryState>>('webhookDelivery');

// Both versions take the signals and the query below: callers signal a delivery by its ID alone.

/** Skips the wait before the next attempt. */
export const retryNowSignal = defineSignal('retryNow');
/** Stops the delivery (it ends cancelled). */
export const cancelSignal = defineSignal('cancel');
export const deliveryStateQuery = defineQuery<DeliveryState>('state');
