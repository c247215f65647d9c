import { randomUUID } from 'node:crypto';
import { Agent, ClientRequest, get, request } from 'node:http';
import { hostname } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../scripts/stack/ports';
import { DRAIN_GRACE_MS } from '../../libs/http/http-server-drain';
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

  it('the API serves on its port, then drains and exits 0 on SIGTERM, even with a client that keeps its connection busy', async () => {
    const port = await freePort();
    const api = startServiceProcess('api', { PORT: String(port) });
    // One kept-alive connection, as a browser's or a load balancer's: a request is under way on it
    // at the signal, and the client goes on asking on it after.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let polling = true;
    try {
      await api.waitFor(/API listening on/);
      expect(await ask(port, agent)).toEqual({ status: 200, connection: 'keep-alive' });
      // A request under way at the signal: the server has its headers (it said 100 Continue), and
      // its body comes once the API is draining.
      const body = JSON.stringify({ under: 'way' });
      const underway = request({
        host: '127.0.0.1',
        port,
        agent,
        method: 'POST',
        path: '/v1/health',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          expect: '100-continue',
        },
      });
      const answered = answerOf(underway);
      await once(underway, 'continue');
      const signalled = Date.now();
      api.child.kill('SIGTERM');
      await api.waitFor(/Draining HTTP connections/);
      underway.end(body);
      // Answered, and told to close its connection: a closing server does not wait out a keep-alive.
      expect(await answered).toEqual({ status: 404, connection: 'close' });
      let askedAfter = 0;
      const poller = (async () => {
        while (polling && (await ask(port, agent).catch(() => undefined))) askedAfter++;
      })();
      const exited = await Promise.race([api.exited, setTimeout(DRAIN_GRACE_MS + 5_000, 'still running')]);
      expect(exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(DRAIN_GRACE_MS);
      polling = false;
      await poller;
      expect(askedAfter).toBe(0);
      expect(api.output()).toMatch(/HTTP server drained in \d+ ms/);
    } finally {
      polling = false;
      agent.destroy();
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

type Answer = { status: number; connection?: string };

const ask = (port: number, agent: Agent): Promise<Answer> =>
  answerOf(get({ host: '127.0.0.1', port, path: '/v1/health', agent }));

function answerOf(req: ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
    });
    req.on('error', reject);
  });
}
