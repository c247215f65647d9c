import { INestApplicationContext } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { startApi, startWorker, dropDatabase } from '../support/app';

/** The first slice end to end: API -> Temporal -> worker -> activity -> MongoDB -> API. */
describe('diagnostic roundtrip (API and worker in-process, real Temporal and FerretDB)', () => {
  let api: NestExpressApplication;
  let worker: INestApplicationContext;
  let temporal: Connection;
  const operator = () => ({ authorization: `Bearer ${process.env.ADMIN_TOKEN}` });

  beforeAll(async () => {
    [api, worker] = await Promise.all([startApi(), startWorker()]);
    temporal = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  });

  afterAll(async () => {
    await dropDatabase(api);
    await Promise.all([api?.close(), worker?.close(), temporal?.close()]);
  });

  it('runs a workflow whose activity writes to MongoDB, and reads the result back through the API', async () => {
    const started = Date.now();
    const created = await request(api.getHttpServer())
      .post('/v1/diagnostics/roundtrips')
      .set(operator())
      .expect(201);
    const { roundtripId, workflowId, workflowRunId, recordedAt, requestedAt } = created.body;
    expect(workflowId).toBe(`diagnostic-roundtrip:${roundtripId}`);
    expect(Date.parse(requestedAt)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(recordedAt)).toBeGreaterThanOrEqual(Date.parse(requestedAt));

    const read = await request(api.getHttpServer())
      .get(`/v1/diagnostics/roundtrips/${roundtripId}`)
      .set(operator())
      .expect(200);
    expect(read.body).toEqual(created.body);

    // An operator finds it in Temporal by its readable ID: completed, on this run's task queue.
    const description = await new Client({ connection: temporal }).workflow.getHandle(workflowId).describe();
    expect(description.runId).toBe(workflowRunId);
    expect(description.status.name).toBe('COMPLETED');
    expect(description.taskQueue).toBe(process.env.TEMPORAL_TASK_QUEUE);
  });

  it('refuses callers without the operator token, and changes nothing', async () => {
    const server = api.getHttpServer();
    for (const authorization of [
      undefined,
      'Bearer wrong-token',
      'Basic abc',
      `Bearer ${process.env.ADMIN_TOKEN}x`,
    ]) {
      const call = request(server).post('/v1/diagnostics/roundtrips');
      if (authorization) call.set('authorization', authorization);
      const res = await call.expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
      expect(JSON.stringify(res.body)).not.toContain(process.env.ADMIN_TOKEN);
    }
  });

  it('answers 404 with a stable code for a roundtrip that does not exist, and 400 naming a malformed id', async () => {
    const server = api.getHttpServer();
    const missing = await request(server)
      .get('/v1/diagnostics/roundtrips/8a1f2b9e-3c4d-4e5f-8a6b-7c8d9e0f1a2b')
      .set(operator())
      .expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, code: 'ROUNDTRIP_NOT_FOUND' });
    const malformed = await request(server)
      .get('/v1/diagnostics/roundtrips/not-a-uuid')
      .set(operator())
      .expect(400);
    expect(malformed.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'id' }] });
  });
});
