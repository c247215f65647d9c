import { temporal } from '@temporalio/proto';
import { RETRY_JITTER } from '../../libs/domain/retry-policy';
import type { AttemptOutcome, AttemptRequest, DeliveryInput } from '../../libs/domain/webhooks';
import {
  cancelSignal,
  deliveryStateQuery,
  retryNowSignal,
} from '../../libs/temporal/contracts/webhook-delivery.contract';
import { webhookDelivery, webhookDeliveryV2 } from '../../workflows/webhook-delivery.workflow';
import { pollUntil } from '../support/poll';
import { WorkflowHarness } from '../support/workflow-harness';

const failed = (statusCode = 500): AttemptOutcome => ({
  result: 'failed',
  statusCode,
  error: `HTTP ${statusCode}`,
  retryAfterMs: null,
});
const succeeded: AttemptOutcome = { result: 'succeeded', statusCode: 200, error: null, retryAfterMs: null };

let deliveries = 0;
function deliveryOf(retryScheduleMs: number[]): DeliveryInput {
  const n = ++deliveries;
  return {
    deliveryId: `evt_${n}:wh_1`,
    eventId: `evt_${n}`,
    eventType: 'APPLICANT_CREATED',
    webhookId: 'wh_1',
    applicationId: 'app_1',
    retryScheduleMs,
    series: 1,
  };
}

/** A receiver in a test: answers each attempt in turn (the last answer repeats), and keeps the requests. */
function attempts(...answers: AttemptOutcome[]) {
  const requests: AttemptRequest[] = [];
  const cancelled: { deliveryId: string; series: number }[] = [];
  return {
    requests,
    cancelled,
    activities: {
      attemptDelivery: async (req: AttemptRequest) => {
        requests.push(req);
        return answers[Math.min(requests.length, answers.length) - 1];
      },
      cancelDelivery: async (input: { deliveryId: string; series: number }) => void cancelled.push(input),
    },
  };
}

/** Real time passes on the test server too, while an attempt runs: a few ms, 2 s at most. */
const ATTEMPT_TIME_MS = 2_000;
const gapsOf = (requests: AttemptRequest[]) =>
  requests.slice(1).map((r, i) => Date.parse(r.scheduledAt) - Date.parse(requests[i].scheduledAt));

/**
 * The delivery workflow alone, its activities replaced: the retry schedule, `retryNow`, `cancel`,
 * the last attempt, a stop (410 / the webhook disabled) and Retry-After, hours of workflow time
 * in seconds. Both versions: the first is kept for its runs.
 */
describe.each([webhookDeliveryV2, webhookDelivery])('%p workflow', (workflow) => {
  let harness: WorkflowHarness;

  beforeAll(async () => {
    harness = await WorkflowHarness.create();
  });
  afterAll(() => harness?.teardown());

  const run = (input: DeliveryInput, receiver: ReturnType<typeof attempts>) =>
    harness.withWorker(receiver.activities, (taskQueue) =>
      harness.env.client.workflow.execute(workflow, {
        workflowId: input.deliveryId,
        taskQueue,
        args: [input],
      }),
    );

  it('waits each step of the schedule, jittered by at most ±10 %, until an attempt succeeds', async () => {
    const schedule = [5_000, 300_000, 1_800_000, 7_200_000];
    const receiver = attempts(failed(), failed(502), failed(), succeeded);
    const state = await run(deliveryOf(schedule), receiver);

    expect(state).toEqual({ status: 'succeeded', attempts: 4, nextAttemptAt: null, lastError: null });
    expect(receiver.requests.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
    gapsOf(receiver.requests).forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(schedule[i] * (1 - RETRY_JITTER));
      expect(gap).toBeLessThanOrEqual(schedule[i] * (1 + RETRY_JITTER) + ATTEMPT_TIME_MS);
    });
    expect(receiver.requests.every((r) => !r.isLast)).toBe(true);
  });

  it('fails after the last attempt, the only one marked last', async () => {
    const receiver = attempts(failed());
    const state = await run(deliveryOf([5_000, 5_000]), receiver);

    expect(state).toMatchObject({ status: 'failed', attempts: 3, lastError: 'HTTP 500' });
    expect(receiver.requests.map((r) => r.isLast)).toEqual([false, false, true]);
  });

  it('stops at once when an attempt says stop (410 Gone, or the webhook just disabled)', async () => {
    const receiver = attempts({ ...failed(410), result: 'stopped' });
    const state = await run(deliveryOf([5_000, 5_000]), receiver);

    expect(state).toMatchObject({ status: 'failed', attempts: 1 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('ends cancelled when the attempt was skipped (delivery, webhook or application gone)', async () => {
    const receiver = attempts({ result: 'skipped', statusCode: null, error: null, retryAfterMs: null });
    await expect(run(deliveryOf([5_000]), receiver)).resolves.toMatchObject({
      status: 'cancelled',
      attempts: 1,
    });
  });

  it("keeps a receiver's Retry-After exactly, instead of its own jittered step", async () => {
    const receiver = attempts({ ...failed(429), retryAfterMs: 7_200_000 }, succeeded);
    await run(deliveryOf([5_000]), receiver);

    const [gap] = gapsOf(receiver.requests);
    expect(gap).toBeGreaterThanOrEqual(7_200_000);
    expect(gap).toBeLessThan(7_200_000 + ATTEMPT_TIME_MS);
  });

  it('attempts again at once on retryNow, without waiting out the step', async () => {
    const input = deliveryOf([24 * 3_600_000]);
    const receiver = attempts(failed(), succeeded);
    const state = await harness.withWorker(receiver.activities, async (taskQueue) => {
      const handle = await harness.env.client.workflow.start(workflow, {
        workflowId: input.deliveryId,
        taskQueue,
        args: [input],
      });
      // Waiting for the next attempt: the clock does not jump until the result is awaited.
      const waiting = await pollUntil(
        () => handle.query(deliveryStateQuery),
        (s) => s.nextAttemptAt !== null,
      );
      expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500' });
      await handle.signal(retryNowSignal);
      return handle.result();
    });

    expect(state).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(gapsOf(receiver.requests)[0]).toBeLessThan(60_000);
  });

  it('ends cancelled on cancel, and records the end once', async () => {
    const input = deliveryOf([24 * 3_600_000]);
    const receiver = attempts(failed());
    const state = await harness.withWorker(receiver.activities, async (taskQueue) => {
      const handle = await harness.env.client.workflow.start(workflow, {
        workflowId: input.deliveryId,
        taskQueue,
        args: [input],
      });
      await pollUntil(
        () => handle.query(deliveryStateQuery),
        (s) => s.nextAttemptAt !== null,
      );
      await handle.signal(cancelSignal);
      return handle.result();
    });

    expect(state).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.cancelled).toEqual([{ deliveryId: input.deliveryId, series: 1 }]);
  });
});

describe('webhookDeliveryV2: a delivery that succeeds at once', () => {
  let harness: WorkflowHarness;

  beforeAll(async () => {
    harness = await WorkflowHarness.create();
  });
  afterAll(() => harness?.teardown());

  const historyOf = (input: DeliveryInput, receiver: ReturnType<typeof attempts>) =>
    harness.withWorker(receiver.activities, async (taskQueue) => {
      const handle = await harness.env.client.workflow.start(webhookDeliveryV2, {
        workflowId: input.deliveryId,
        taskQueue,
        args: [input],
      });
      const state = await handle.result();
      const { events } = await handle.fetchHistory();
      return {
        state,
        types: events!.map((e) => String(temporal.api.enums.v1.EventType[e.eventType ?? 0])),
      };
    });

  it('is one workflow task: started, its first attempt as a local activity (a marker), completed', async () => {
    const sealedData = { mk: 'k1', iv: 'iv', ct: 'ct', tag: 'tag' };
    const input = { ...deliveryOf([5_000]), event: { occurredAt: '2026-12-04T00:00:00.000Z', sealedData } };
    const receiver = attempts(succeeded);
    const { state, types } = await historyOf(input, receiver);

    expect(state).toMatchObject({ status: 'succeeded', attempts: 1 });
    // 1 started, 2-4 one workflow task, 5 the attempt's marker, 6 completed: no search attribute upsert.
    expect(types).toHaveLength(6);
    expect(types.filter((t) => t.includes('WORKFLOW_TASK_STARTED'))).toHaveLength(1);
    expect(types.some((t) => t.includes('UPSERT'))).toBe(false);
    // The first attempt records the event it carries (sealed) and opens the delivery.
    expect(receiver.requests[0].opening).toEqual({ ...input.event, eventType: input.eventType });
  });

  it('says how it ended in DeliveryStatus when it did not succeed at once', async () => {
    const receiver = attempts(failed(), succeeded);
    const { state, types } = await historyOf(deliveryOf([5_000]), receiver);

    expect(state).toMatchObject({ status: 'succeeded', attempts: 2 });
    // Pending after the first failure, succeeded at the end.
    expect(types.filter((t) => t.includes('UPSERT'))).toHaveLength(2);
    expect(receiver.requests.map((r) => r.opening)).toEqual([undefined, undefined]);
  });
});
