import type { AttemptRequest, DeliveryInput, DispatchEventInput } from '../../libs/domain/webhooks';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import { eventDispatch } from '../../workflows/event-dispatch.workflow';
import { deliveryStateQuery, webhookDelivery } from '../../workflows/webhook-delivery.workflow';
import { pollUntil } from '../support/poll';
import { WorkflowHarness } from '../support/workflow-harness';

const DAY_MS = 24 * 3_600_000;

/**
 * The dispatch workflow alone, its activities replaced: one delivery workflow per opened delivery,
 * which outlives the dispatch; a delivery already running (a dispatch replayed) is left alone.
 */
describe('eventDispatch workflow', () => {
  let harness: WorkflowHarness;
  let events = 0;

  beforeAll(async () => {
    harness = await WorkflowHarness.create();
  });
  afterAll(() => harness?.teardown());

  function eventFor(webhookIds: string[]) {
    const eventId = `evt_${++events}`;
    const event: DispatchEventInput = {
      eventId,
      applicationId: 'app_1',
      eventType: 'APPLICANT_CREATED',
      occurredAt: new Date(0).toISOString(),
      sealedData: { mk: 'k1', iv: 'iv', ct: 'ct', tag: 'tag' },
      requestedBy: { kind: 'system', id: null },
    };
    const deliveries: DeliveryInput[] = webhookIds.map((webhookId) => ({
      deliveryId: `${eventId}:${webhookId}`,
      eventId,
      eventType: event.eventType,
      webhookId,
      applicationId: event.applicationId,
      retryScheduleMs: [DAY_MS],
      series: 1,
    }));
    const attempted: AttemptRequest[] = [];
    const accepted: DispatchEventInput[] = [];
    const activities = {
      acceptEvent: async (input: DispatchEventInput) => {
        accepted.push(input);
        return deliveries;
      },
      attemptDelivery: async (req: AttemptRequest) => {
        attempted.push(req);
        return { result: 'succeeded' as const, statusCode: 200, error: null, retryAfterMs: null };
      },
      cancelDelivery: async () => undefined,
    };
    return { event, deliveries, attempted, accepted, activities };
  }

  it('records the event and starts one delivery workflow per opened delivery', async () => {
    const { event, deliveries, attempted, accepted, activities } = eventFor(['wh_1', 'wh_2', 'wh_3']);
    const states = await harness.withWorker(activities, async (taskQueue) => {
      const result = await harness.env.client.workflow.execute(eventDispatch, {
        workflowId: WorkflowIds.eventDispatch(event.eventId),
        taskQueue,
        args: [event],
      });
      expect(result).toEqual({ deliveries: 3 });
      return Promise.all(
        deliveries.map((d) =>
          harness.env.client.workflow
            .getHandle<typeof webhookDelivery>(WorkflowIds.webhookDelivery(d.eventId, d.webhookId))
            .result(),
        ),
      );
    });

    expect(accepted).toEqual([event]);
    expect(states.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(attempted.map((a) => a.deliveryId).sort()).toEqual(deliveries.map((d) => d.deliveryId).sort());
  });

  it('leaves a delivery already running alone (a dispatch run again after a crash)', async () => {
    const { event, deliveries, attempted, activities } = eventFor(['wh_1', 'wh_2']);
    const [running] = deliveries;
    await harness.withWorker(
      {
        ...activities,
        // The running one failed its first attempt and waits a day for the next.
        attemptDelivery: async (req: AttemptRequest) => {
          attempted.push(req);
          return req.deliveryId === running.deliveryId
            ? { result: 'failed' as const, statusCode: 500, error: 'HTTP 500', retryAfterMs: null }
            : { result: 'succeeded' as const, statusCode: 200, error: null, retryAfterMs: null };
        },
      },
      async (taskQueue) => {
        const runningId = WorkflowIds.webhookDelivery(running.eventId, running.webhookId);
        const first = await harness.env.client.workflow.start(webhookDelivery, {
          workflowId: runningId,
          taskQueue,
          args: [running],
        });
        await pollUntil(
          () => first.query(deliveryStateQuery),
          (s) => s.nextAttemptAt !== null,
        );
        const dispatch = await harness.env.client.workflow.start(eventDispatch, {
          workflowId: WorkflowIds.eventDispatch(event.eventId),
          taskQueue,
          args: [event],
        });
        // Not awaiting a result, the clock stands still: the running one keeps waiting its day.
        await pollUntil(
          () => dispatch.describe(),
          (d) => d.status.name !== 'RUNNING',
        );
        await expect(dispatch.result()).resolves.toEqual({ deliveries: 2 });
        // Still the same run, never started twice.
        const described = await harness.env.client.workflow.getHandle(runningId).describe();
        expect(described.runId).toBe(first.firstExecutionRunId);
        expect(described.status.name).toBe('RUNNING');
        await first.terminate('test over');
      },
    );
    expect(attempted.filter((a) => a.deliveryId === running.deliveryId)).toHaveLength(1);
  });
});
