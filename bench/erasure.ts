/**
 * Benchmark: erasing a subject. N events about one subject delivered to one webhook (answering 200
 * at once), then DELETE …/subjects/:subject: the time from the request to the erasure workflow's
 * result (its data key destroyed, its payloads and answers erased, audited), BENCH_RUNS times.
 */
import { Client, Connection } from '@temporalio/client';
import type { SubjectErasureResult } from '../libs/domain/webhooks';
import { Receiver } from '../test/support/receiver';
import { pool } from '../libs/common/pool';
import { benchApplication, call, startBenchStack } from './lib/stack';
import { median, printTable, writeResult } from './lib/stats';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

export async function erasure(): Promise<void> {
  const stack = await startBenchStack();
  const receiver = await Receiver.start({ keepRequests: false });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const rows: Record<string, string | number>[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const app = await benchApplication(stack);
      await call(stack, 'POST', `/applications/${app.appId}/webhooks`, app.token, {
        name: 'r',
        url: receiver.url,
      });
      const subject = `appl_erased_${run}`;
      const sent: string[] = [];
      await pool(
        Array.from({ length: EVENTS }, (_, i) => i),
        CONCURRENCY,
        async (i) => {
          const { eventId } = await call<{ eventId: string }>(
            stack,
            'POST',
            `/applications/${app.appId}/events`,
            app.token,
            {
              eventType: 'APPLICANT_COMPLETED',
              subject,
              data: { applicantId: subject, step: i, name: 'Jane Q. Applicant' },
            },
          );
          sent.push(eventId);
        },
      );
      await receiver.waitFor(sent, 600_000);

      const started = performance.now();
      const { workflowId } = await call<{ workflowId: string }>(
        stack,
        'DELETE',
        `/applications/${app.appId}/subjects/${subject}`,
        app.token,
      );
      const accepted = performance.now() - started;
      const result: SubjectErasureResult = await new Client({ connection }).workflow
        .getHandle(workflowId)
        .result();
      const took = performance.now() - started;
      if (result.payloadsErased !== EVENTS) throw new Error(`erased ${result.payloadsErased} of ${EVENTS}`);
      rows.push({
        run,
        events: EVENTS,
        '202 after ms': accepted,
        'erased after ms': took,
        ...result,
        keyDestroyed: String(result.keyDestroyed),
      });
      process.stdout.write(
        `run ${run}: ${EVENTS} events erased in ${took.toFixed(0)} ms (202 after ${accepted.toFixed(0)} ms)\n`,
      );
    }
    printTable(`Erasing a subject with ${EVENTS} delivered events`, rows);
    const took = median(rows.map((r) => r['erased after ms'] as number));
    process.stdout.write(`median: ${took.toFixed(0)} ms for ${EVENTS} events\n`);
    process.stdout.write(
      `figures: ${writeResult('erasure', { events: EVENTS, runs: RUNS, rows, medianMs: took })}\n`,
    );
  } finally {
    await connection.close();
    await receiver.stop();
    await stack.stop();
  }
}
