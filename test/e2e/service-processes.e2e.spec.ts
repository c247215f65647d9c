import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../scripts/stack/ports';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import { diagnosticRoundtrip } from '../../workflows';
import { startServiceProcess } from '../support/service-process';

/** The API and the worker as the processes they run as: they serve, and stop cleanly on a signal. */
describe('service processes', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'the worker runs workflows, then drains and exits 0 on %s',
    async (signal) => {
      const worker = startServiceProcess('worker');
      try {
        await worker.waitFor(/Worker polling task queue/);
        const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
        try {
          const roundtripId = randomUUID();
          const result = await new Client({ connection }).workflow.execute(diagnosticRoundtrip, {
            taskQueue: process.env.TEMPORAL_TASK_QUEUE!,
            workflowId: WorkflowIds.diagnosticRoundtrip(roundtripId),
            args: [{ roundtripId, requestedAt: new Date().toISOString() }],
          });
          expect(result.workerIdentity).toBe(`${worker.child.pid}@${hostname()}`);
        } finally {
          await connection.close();
        }
        worker.child.kill(signal);
        expect(await worker.exited).toEqual({ code: 0, signal: null });
        expect(worker.output()).toContain('"state":"STOPPED"');
      } finally {
        worker.child.kill('SIGKILL');
      }
    },
  );

  it('SIGINT then SIGTERM (Ctrl-C, then the supervisor) still drains and exits 0; SIGINT twice forces', async () => {
    const worker = startServiceProcess('worker');
    try {
      await worker.waitFor(/Worker polling task queue/);
      worker.child.kill('SIGINT');
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      expect(worker.output()).toContain('"state":"STOPPED"');
    } finally {
      worker.child.kill('SIGKILL');
    }
    const impatient = startServiceProcess('worker');
    try {
      await impatient.waitFor(/Worker polling task queue/);
      impatient.child.kill('SIGINT');
      await impatient.waitFor(/SIGINT: shutting down/);
      impatient.child.kill('SIGINT');
      expect((await impatient.exited).code).toBe(1);
    } finally {
      impatient.child.kill('SIGKILL');
    }
  });

  it('the API serves on its port, then exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const api = startServiceProcess('api', { PORT: String(port) });
    try {
      await api.waitFor(/API listening on/);
      const res = await fetch(`http://127.0.0.1:${port}/v1/health/ready`);
      expect(res.status).toBe(200);
      api.child.kill('SIGTERM');
      expect(await api.exited).toEqual({ code: 0, signal: null });
    } finally {
      api.child.kill('SIGKILL');
    }
  });

  it('a process with bad configuration stops at once, naming the variable', async () => {
    const api = startServiceProcess('api', { PORT: 'eighty', MONGODB_URI: 'not-a-uri' });
    expect((await api.exited).code).toBe(1);
    expect(api.output()).toContain('PORT: PORT must be an integer number');
    expect(api.output()).toContain('MONGODB_URI: MONGODB_URI must be a mongodb:// URI');
  });
});
