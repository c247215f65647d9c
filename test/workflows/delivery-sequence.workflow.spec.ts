import type {
  AttemptOutcome,
  AttemptRequest,
  DeliveryInput,
  DeliverySequenceInput,
} from '../../libs/domain/webhooks';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import {
  deliveryEndedSignal,
  deliveryOpenedSignal,
  eventAcceptedSignal,
  sequenceStateQuery,
} from '../../workflows/delivery-sequence.signals';
import { deliverySequence } from '../../workflows/delivery-sequence.workflow';
import { pollUntil } from '../support/poll';
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
      inSequence: true,
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

  it('takes over a line from the run before: waits for the started head to end, then goes on', async () => {
    const s = sequence();
    await harness.withWorker(s.activities, async (taskQueue) => {
      const handle = await harness.env.client.workflow.start(deliverySequence, {
        workflowId: s.workflowId,
        taskQueue,
        // As continue-as-new hands it over: the head's delivery runs (started by the run before).
        args: [
          {
            ...s.of,
            line: [
              { eventId: 'evt_1', delivery: s.delivery('evt_1'), started: true },
              { eventId: 'evt_2', delivery: s.delivery('evt_2') },
            ],
            recent: ['evt_0'],
          },
        ],
      });
      await handle.signal(deliveryOpenedSignal, { eventId: 'evt_0', delivery: s.delivery('evt_0') });
      const waiting = await pollUntil(
        () => handle.query(sequenceStateQuery),
        (state) => state.waiting === 2,
      );
      expect(waiting.head).toMatchObject({ eventId: 'evt_1', started: true });
      expect(s.attempted).toEqual([]);
      await handle.signal(deliveryEndedSignal, 'evt_1');
      await handle.result();
    });
    // evt_0 went before (remembered), evt_1 was the run before's: only evt_2 is delivered here.
    expect(s.attempted).toEqual(['evt_2']);
  });
});
