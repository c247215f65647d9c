import { createHash } from 'node:crypto';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { DeliveryInput, DispatchEventInput, OperationalEventType } from '../domain/webhooks';
import type { MasterKeyring } from '../crypto/master-keyring';
import { sealEventData } from '../webhooks/event-data';
import { deliverySearchAttributes, SearchAttributes } from './search-attributes';
import { WorkflowIds } from './workflow-ids';

/** An event as accepted, its data in clear (sealed before it goes anywhere). */
export type AcceptedEvent = Omit<DispatchEventInput, 'sealedData' | 'data'> & { data: unknown };

/**
 * Accepts an event: starts its dispatch workflow, or finds the one already started for the same
 * event ID (an idempotent repeat). Either way the event is durably accepted when this returns.
 */
export async function startEventDispatch(
  client: Client,
  taskQueue: string,
  keyring: MasterKeyring,
  { data, ...event }: AcceptedEvent,
): Promise<void> {
  const input: DispatchEventInput = { ...event, sealedData: sealEventData(keyring, event.eventId, data) };
  try {
    await client.workflow.start('eventDispatch', {
      workflowId: WorkflowIds.eventDispatch(input.eventId),
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A finished dispatch is never run again for the same event.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: SearchAttributes.ApplicationId, value: input.applicationId },
        { key: SearchAttributes.EventType, value: input.eventType },
        { key: SearchAttributes.EventId, value: input.eventId },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** An event the service itself raises about an application (not one a client sent). */
export interface OperationalEvent {
  applicationId: string;
  eventType: OperationalEventType;
  data: Record<string, unknown>;
  /** Names the occurrence once and for all: a retried step raising it again raises the same event. */
  occurrence: string;
  excludeEndpointIds?: string[];
}

/** Raises an operational event: dispatched like any other, once per occurrence. */
export async function raiseOperationalEvent(
  client: Client,
  taskQueue: string,
  keyring: MasterKeyring,
  event: OperationalEvent,
): Promise<void> {
  const digest = createHash('sha256').update(`${event.eventType}:${event.occurrence}`).digest('hex');
  await startEventDispatch(client, taskQueue, keyring, {
    eventId: `evt_${digest.slice(0, 24)}`,
    applicationId: event.applicationId,
    eventType: event.eventType,
    occurredAt: new Date().toISOString(),
    data: event.data,
    excludeEndpointIds: event.excludeEndpointIds,
    requestedBy: { kind: 'system', id: null },
  });
}

/** Starts a series of attempts for a delivery (a retry of a failed one). Throws if one is running. */
export async function startDelivery(
  client: Client,
  taskQueue: string,
  input: DeliveryInput,
): Promise<string> {
  const workflowId = WorkflowIds.webhookDelivery(input.eventId, input.endpointId);
  await client.workflow.start('webhookDelivery', {
    workflowId,
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'FAIL',
    typedSearchAttributes: deliverySearchAttributes(input),
  });
  return workflowId;
}
