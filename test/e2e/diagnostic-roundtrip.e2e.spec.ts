import { Client } from '@temporalio/client';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import request from 'supertest';
import { DiagnosticRoundtrip } from '../../libs/persistence/schemas/diagnostic-roundtrip.schema';
import { useStack } from '../support/stack';

/** The first slice end to end: API -> Temporal -> worker -> activity -> MongoDB -> API. */
describe('diagnostic roundtrip (API and worker in-process, real Temporal and FerretDB)', () => {
  const stack = useStack({ temporal: true });
  const operator = () => ({ authorization: `Bearer ${process.env.ADMIN_TOKEN}` });

  it('runs a workflow whose activity writes to MongoDB, and reads the result back through the API', async () => {
    const started = Date.now();
    const created = await request(stack.api.getHttpServer())
      .post('/v1/diagnostics/roundtrips')
      .set(operator())
      .expect(201);
    const { roundtripId, workflowId, workflowRunId, recordedAt, requestedAt } = created.body;
    expect(workflowId).toBe(`diagnostic-roundtrip:${roundtripId}`);
    expect(Date.parse(requestedAt)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(recordedAt)).toBeGreaterThanOrEqual(Date.parse(requestedAt));

    const read = await request(stack.api.getHttpServer())
      .get(`/v1/diagnostics/roundtrips/${roundtripId}`)
      .set(operator())
      .expect(200);
    expect(read.body).toEqual(created.body);

    // An operator finds it in Temporal by its readable ID: completed, on this run's task queue.
    const description = await new Client({ connection: stack.temporal }).workflow
      .getHandle(workflowId)
      .describe();
    expect(description.runId).toBe(workflowRunId);
    expect(description.status.name).toBe('COMPLETED');
    expect(description.taskQueue).toBe(process.env.TEMPORAL_TASK_QUEUE);
  });

  it('refuses callers without the operator token, and changes nothing', async () => {
    const server = stack.api.getHttpServer();
    const model = stack.api.get<Model<DiagnosticRoundtrip>>(getModelToken(DiagnosticRoundtrip.name));
    const before = await model.countDocuments();
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
    expect(await model.countDocuments()).toBe(before);
  });

  it('answers 404 with a stable code for a roundtrip that does not exist, and 400 naming a malformed id', async () => {
    const server = stack.api.getHttpServer();
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

  it('keeps records a week: an older one is gone after the next roundtrip, and the index behind that exists', async () => {
    const model = stack.api.get<Model<DiagnosticRoundtrip>>(getModelToken(DiagnosticRoundtrip.name));
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    const old = {
      _id: '0e0f4c1a-2b3c-4d5e-8f70-81a2b3c4d5e6',
      workflowId: 'w',
      workflowRunId: 'r',
      workerIdentity: 'x',
    };
    await model.create({ ...old, requestedAt: eightDaysAgo, recordedAt: eightDaysAgo });
    const server = stack.api.getHttpServer();
    await request(server).get(`/v1/diagnostics/roundtrips/${old._id}`).set(operator()).expect(200);

    await request(server).post('/v1/diagnostics/roundtrips').set(operator()).expect(201);
    await request(server).get(`/v1/diagnostics/roundtrips/${old._id}`).set(operator()).expect(404);
    const indexes = await model.collection.indexes();
    expect(indexes.map((i) => i.key)).toContainEqual({ recordedAt: 1 });
  });
});
