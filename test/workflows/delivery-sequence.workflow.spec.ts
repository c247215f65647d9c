import type {
  AttemptOutcome,
  AttemptRequest,
  DeliveryInput,
  DeliverySequenceInput,
} from '../../libs/domain/webhooks';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import {
  deliveryOpenedSignal,
  eventAcceptedSignal,
  sequenceStateQuery,
} from '../../libs/temporal/contracts/delivery-sequence.contract';
import { deliverySequence } from '../../workflows/delivery-sequence.workflow';
import { webhookDelivery } from '../../workflows/webhook-delivery.workflow';
import { WorkflowHarness } from '../support/workflow-harness';

const succeeded: AttemptOutcome = { result: 'succeeded', statusCode: 200, error: null, retryAfterMs: null };

let sequences = 0;

/**
 * The delivery sequence alone, on the time-skipping server, its activities replaced: what the
 * ordered e2e test cannot reach in its time: events its dispatch never opens, repeated signals, a
 * run taking over a line from the one before (continue-as-new), closing when idle.
 */
describe('deliverySequence workflow', () => {
  let harness: WorkflowHarness;

  beforeAll(async () => {
    harness = await WorkflowHarness.create();
  });
  afterAll(() => harness?.teardown());

  /** A sequence of its own, with receivers that succeed at once and dispatches that say whether they ended. */
  function sequence(dispatchEnded: (eventId: string) => boolean = () => false) {
    const of: DeliverySequenceInput = {
      applicationId: 'app_1',
      webhookId: `wh_${++sequences}`,
      subject: 'appl_1',
    };
    const attempted: string[] = [];
    const delivery = (eventId: string): DeliveryInput => ({
      deliveryId: `${eventId}:${of.webhookId}`,
      eventId,
      eventType: 'APPLICANT_CREATED',
      webhookId: of.webhookId,
      applicationId: of.applicationId,
      subject: of.subject,
      retryScheduleMs: [1_000],
      series: 1,
    });
    const activities = {
      attemptDelivery: async (req: AttemptRequest) => {
        attempted.push(req.of!.eventId);
        return succeeded;
      },
      cancelDelivery: async () => undefined,
      dispatchEnded: async (eventId: string) => dispatchEnded(eventId),
    };
    const workflowId = WorkflowIds.deliverySequence(of.webhookId, of.subject);
    /** Starts the sequence as the API does: by the first accepted event. */
    const firstAccepted = (taskQueue: string, eventId: string) =>
      harness.env.client.workflow.signalWithStart(deliverySequence, {
        workflowId,
        taskQueue,
        args: [of],
        signal: eventAcceptedSignal,
        signalArgs: [eventId],
      });
    return { of, attempted, delivery, activities, workflowId, firstAccepted };
  }

  it('skips an event whose dispatch ended without opening it, after looking, and delivers the rest in order', async () => {
    const s = sequence((eventId) => eventId === 'evt_gone');
    await harness.withWorker(s.activities, async (taskQueue) => {
      const handle = await s.firstAccepted(taskQueue, 'evt_gone');
      await handle.signal(eventAcceptedSignal, 'evt_2');
      await handle.signal(eventAcceptedSignal, 'evt_2'); // a repeated request
      await handle.signal(deliveryOpenedSignal, { eventId: 'evt_2', delivery: s.delivery('evt_2') });
      await handle.signal(deliveryOpenedSignal, { eventId: 'evt_3', delivery: s.delivery('evt_3') });
      await handle.signal(deliveryOpenedSignal, { eventId: 'evt_2', delivery: s.delivery('evt_2') });
      // Idle a minute after the last, it closes: the result resolves once the clock has skipped there.
      await handle.result();
    });
    expect(s.attempted).toEqual(['evt_2', 'evt_3']);
  });

  it('does not skip an event whose dispatch told it of its delivery just before ending (news in flight)', async () => {
    const s = sequence();
    // The dispatch's last word reaches the sequence while it is looking whether that dispatch ended:
    // the word was sent first, so the sequence must hear it before it concludes "ended without one".
    const activities = {
      ...s.activities,
      dispatchEnded: async (eventId: string) => {
        await harness.env.client.workflow
          .getHandle(s.workflowId)
          .signal(deliveryOpenedSignal, { eventId, delivery: s.delivery(eventId) });
        return true;
      },
    };
    await harness.withWorker(activities, async (taskQueue) => {
      const handle = await s.firstAccepted(taskQueue, 'evt_late');
      await handle.result();
    });
    expect(s.attempted).toEqual(['evt_late']);
  });

  it('waits while the dispatch of the event at its head is still running', async () => {
    const s = sequence(() => false);
    await harness.withWorker(s.activities, async (taskQueue) => {
      const handle = await s.firstAccepted(taskQueue, 'evt_slow');
      await handle.signal(eventAcceptedSignal, 'evt_after');
      await handle.signal(deliveryOpenedSignal, { eventId: 'evt_after', delivery: s.delivery('evt_after') });
      // Hours pass on the skipping clock: the head's dispatch is still running, so nothing goes.
      await harness.env.sleep('3 hours');
      expect(s.attempted).toEqual([]);
      expect(await handle.query(sequenceStateQuery)).toMatchObject({
        waiting: 2,
        head: { eventId: 'evt_slow' },
      });
      await handle.signal(deliveryOpenedSignal, { eventId: 'evt_slow', delivery: s.delivery('evt_slow') });
      await handle.result();
    });
    expect(s.attempted).toEqual(['evt_slow', 'evt_after']);
  });

  it('takes over a line from the run before (continue-as-new), ignoring the events it remembers as through', async () => {
    const s = sequence();
    await harness.withWorker(s.activities, async (taskQueue) => {
      const handle = await harness.env.client.workflow.start(deliverySequence, {
        workflowId: s.workflowId,
        taskQueue,
        args: [
          {
            ...s.of,
            line: [{ eventId: 'evt_1', delivery: s.delivery('evt_1') }, { eventId: 'evt_2' }],
            recent: ['evt_0'],
          },
        ],
      });
      await handle.signal(deliveryOpenedSignal, { eventId: 'evt_0', delivery: s.delivery('evt_0') });
      await handle.signal(deliveryOpenedSignal, { eventId: 'evt_2', delivery: s.delivery('evt_2') });
      await handle.result();
    });
    expect(s.attempted).toEqual(['evt_1', 'evt_2']);
  });

  it('counts a delivery that already ran as through, without running it again', async () => {
    const s = sequence();
    await harness.withWorker(s.activities, async (taskQueue) => {
      // The delivery ran before (its sequence forgot it, say), then its dispatch repeats the news.
      await harness.env.client.workflow.execute(webhookDelivery, {
        workflowId: WorkflowIds.webhookDelivery('evt_ran', s.of.webhookId),
        taskQueue,
        args: [s.delivery('evt_ran')],
      });
      const handle = await s.firstAccepted(taskQueue, 'evt_ran');
      await handle.signal(deliveryOpenedSignal, { eventId: 'evt_ran', delivery: s.delivery('evt_ran') });
      await handle.signal(eventAcceptedSignal, 'evt_next');
      await handle.signal(deliveryOpenedSignal, { eventId: 'evt_next', delivery: s.delivery('evt_next') });
      await handle.result();
    });
    expect(s.attempted).toEqual(['evt_ran', 'evt_next']);
  });
});
