import { temporal } from '@temporalio/proto';
import type { DispatchEventInput } from '../../libs/domain/webhooks';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import { eventDispatch } from '../../workflows/event-dispatch.workflow';
import { WorkflowHarness } from '../support/workflow-harness';

/**
 * The dispatch workflow alone, its activity replaced: the whole dispatch (record, open, start the
 * deliveries, which EventIntake does and the e2e tests cover) is one local activity, so a dispatch
 * is one workflow task and one marker.
 */
const { EventType } = temporal.api.enums.v1;

describe('eventDispatch workflow', () => {
  let harness: WorkflowHarness;

  beforeAll(async () => {
    harness = await WorkflowHarness.create();
  });
  afterAll(() => harness?.teardown());

  const event: DispatchEventInput = {
    eventId: 'evt_1',
    applicationId: 'app_1',
    eventType: 'APPLICANT_CREATED',
    occurredAt: new Date(0).toISOString(),
    sealedData: { mk: 'k1', iv: 'iv', ct: 'ct', tag: 'tag' },
    requestedBy: { kind: 'system', id: null },
  };

  it('dispatches in one local activity and one workflow task, and says how many deliveries it started', async () => {
    const dispatched: DispatchEventInput[] = [];
    const activities = {
      dispatchEvent: async (input: DispatchEventInput) => {
        dispatched.push(input);
        return 3;
      },
    };
    const history = await harness.withWorker(activities, async (taskQueue) => {
      const handle = await harness.env.client.workflow.start(eventDispatch, {
        workflowId: WorkflowIds.eventDispatch(event.eventId),
        taskQueue,
        args: [event],
      });
      await expect(handle.result()).resolves.toEqual({ deliveries: 3 });
      return handle.fetchHistory();
    });

    expect(dispatched).toEqual([event]);
    const count = (type: temporal.api.enums.v1.EventType) =>
      history.events!.filter((e) => e.eventType === type).length;
    expect(count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).toBe(1);
    const localActivities = history.events!.filter(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    expect(localActivities).toHaveLength(1);
    expect(count(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)).toBe(0);
  });
});
