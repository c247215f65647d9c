import {
  noRetentionCounts,
  RetentionBatch,
  RetentionCounts,
  RetentionPosition,
} from '../../libs/domain/webhooks';
import { dataRetention } from '../../workflows/data-retention.workflow';
import { WorkflowHarness } from '../support/workflow-harness';

const counts = (changes: Partial<RetentionCounts>): RetentionCounts => ({
  ...noRetentionCounts(),
  ...changes,
});

/**
 * The retention workflow alone, its activities replaced: applications in order, each in batches
 * until done, an audit record only where something changed, and a run taken over from the one
 * before (continue-as-new) going on where it was.
 */
describe('dataRetention workflow', () => {
  let harness: WorkflowHarness;

  beforeAll(async () => {
    harness = await WorkflowHarness.create();
  });
  afterAll(() => harness?.teardown());

  /** Applications app_1..app_n, each with its batches' counts (the last batch ends it). */
  function store(batches: Record<string, Partial<RetentionCounts>[]>) {
    const ids = Object.keys(batches).sort();
    const asked: { applicationId: string; after: RetentionPosition | null }[] = [];
    const recorded: { applicationId: string; counts: RetentionCounts }[] = [];
    const activities = {
      applicationsAfter: async (afterId: string, limit: number) =>
        ids.filter((id) => id > afterId).slice(0, limit),
      enforceRetention: async (input: {
        applicationId: string;
        at: string;
        after: RetentionPosition | null;
      }) => {
        asked.push({ applicationId: input.applicationId, after: input.after });
        const done = asked.filter((a) => a.applicationId === input.applicationId).length;
        const mine = batches[input.applicationId];
        const batch: RetentionBatch = {
          counts: counts(mine[done - 1] ?? {}),
          next: done < mine.length ? { _id: `evt_${done}`, createdAt: new Date(done).toISOString() } : null,
        };
        return batch;
      },
      recordRetention: async (input: { applicationId: string; counts: RetentionCounts }) =>
        void recorded.push({ applicationId: input.applicationId, counts: input.counts }),
    };
    return { asked, recorded, activities };
  }

  const run = (activities: object, input: Parameters<typeof dataRetention>[0]) =>
    harness.withWorker(activities as never, (taskQueue) =>
      harness.env.client.workflow.execute(dataRetention, {
        workflowId: `data-retention-test-${Math.random()}`,
        taskQueue,
        args: [input],
      }),
    );

  it('goes through every application batch by batch, recording only where something changed', async () => {
    const s = store({
      app_1: [{ payloadsErased: 500 }, { payloadsErased: 20, eventsDeleted: 3 }],
      app_2: [{ keptInProgress: 1 }],
      app_3: [{}],
    });
    const totals = await run(s.activities, {});
    expect(totals).toEqual(counts({ payloadsErased: 520, eventsDeleted: 3, keptInProgress: 1 }));
    expect(s.asked.map((a) => [a.applicationId, a.after?._id ?? null])).toEqual([
      ['app_1', null],
      ['app_1', 'evt_1'],
      ['app_2', null],
      ['app_3', null],
    ]);
    expect(s.recorded).toEqual([
      { applicationId: 'app_1', counts: counts({ payloadsErased: 520, eventsDeleted: 3 }) },
    ]);
  });

  it('takes over from the run before where it was: the application in progress, then those after it', async () => {
    const s = store({ app_1: [{ payloadsErased: 9 }], app_2: [{ payloadsErased: 1 }], app_3: [{}] });
    const at = '2026-01-01T00:00:00.000Z';
    const totals = await run(s.activities, {
      at,
      doneUpTo: 'app_1',
      current: {
        applicationId: 'app_2',
        after: { _id: 'evt_1', createdAt: at },
        counts: counts({ payloadsErased: 5 }),
      },
      totals: counts({ payloadsErased: 9 }),
    });
    expect(s.asked.map((a) => a.applicationId)).toEqual(['app_2', 'app_3']);
    expect(s.asked[0].after).toEqual({ _id: 'evt_1', createdAt: at });
    // app_2's counts go on from what the run before had done to it.
    expect(s.recorded).toEqual([{ applicationId: 'app_2', counts: counts({ payloadsErased: 6 }) }]);
    expect(totals).toEqual(counts({ payloadsErased: 15 }));
  });
});
