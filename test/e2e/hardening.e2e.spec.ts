import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { WebhookRecoveryActivities } from '../../activities/webhook-recovery.activities';
import { ApiClient } from '../support/api-client';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';
import { Receiver } from '../support/receiver';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';

/**
 * Attacks that held when the service was tried by hand, kept as regression tests, and the rules
 * that came out of that review: opaque event data, duplicates in parallel, DNS rebinding at connect,
 * secrets at rest in the database files and in Temporal histories, recovery that cannot loop.
 */
describe('hardening', () => {
  // A database server of this file's own (FerretDB on SQLite), so its files on disk can be searched for secrets.
  const stack = useStack({ ownStore: true });
  let dataDir: string;
  let api: NestExpressApplication;
  let worker: INestApplicationContext;
  let client: ApiClient;
  let receiver: Receiver;

  beforeAll(async () => {
    ({ api, worker, client } = stack);
    dataDir = stack.store.dataDir;
    receiver = await stack.receivers.start();
  });

  it('delivers event data exactly as sent, keys named __proto__, constructor and prototype included', async () => {
    const { workspace, app, as } = await tenantWithApplication(client);
    const webhook = await addWebhook(as, app.id, { url: receiver.url });
    const data =
      '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"prototype":null,' +
      '"toString":"s","nested":[{"__proto__":[1,2]}],"n":1.5e300,"text":"\\u2028ü"}';
    const res = await request(api.getHttpServer())
      .post(`/v1/applications/${app.id}/events`)
      .set('authorization', `Bearer ${workspace.apiToken}`)
      .set('content-type', 'application/json')
      .send(`{"eventType":"APPLICANT_COMPLETED","data":${data}}`)
      .expect(202);
    const delivery = await finishedDelivery(as, app.id, res.body.eventId, webhook.id);
    expect(delivery.status).toBe('succeeded');
    const received = receiver.requests.find((r) => r.headers['webhook-id'] === res.body.eventId)!;
    expect(received.body).toContain(`"data":${JSON.stringify(JSON.parse(data))}`);
    expect(JSON.stringify(JSON.parse(received.body).data)).toBe(JSON.stringify(JSON.parse(data)));
  });

  it('refuses the same names at the top of a management body as unknown fields, changing nothing', async () => {
    const { workspace, app, as } = await tenantWithApplication(client);
    for (const key of ['__proto__', 'constructor', 'prototype', 'toString']) {
      const res = await request(api.getHttpServer())
        .patch(`/v1/applications/${app.id}`)
        .set('authorization', `Bearer ${workspace.apiToken}`)
        .set('content-type', 'application/json')
        .send(`{"description":"changed","${key}":{"x":1}}`)
        .expect(400);
      expect(res.body.details).toEqual([{ field: key, problems: [`property ${key} should not exist`] }]);
    }
    expect((await as.get(`/v1/applications/${app.id}`)).body.description).toBeNull();
  });

  it('answers 50 parallel duplicates of an event with one event, delivered once', async () => {
    const { app, as } = await tenantWithApplication(client);
    await addWebhook(as, app.id, { url: receiver.url });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        as.post(`/v1/applications/${app.id}/events`, {
          eventType: 'APPLICANT_COMPLETED',
          data: { applicantId: 'appl_dup' },
          idempotencyKey: 'order-42',
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(202));
    const eventIds = new Set(answers.map((a) => a.body.eventId as string));
    expect(eventIds.size).toBe(1);
    const [eventId] = eventIds;
    await pollUntil(
      async () => receiver.requests.filter((r) => r.headers['webhook-id'] === eventId).length,
      (n) => n >= 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(receiver.requests.filter((r) => r.headers['webhook-id'] === eventId)).toHaveLength(1);
  });

  it('answers 50 parallel creations with one Idempotency-Key with one application', async () => {
    const workspace = await client.createWorkspace();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        request(api.getHttpServer())
          .post('/v1/applications')
          .set('authorization', `Bearer ${workspace.apiToken}`)
          .set('idempotency-key', 'create-once')
          .send({ name: 'Once', encryptionMethod: 'AES-256-GCM' }),
      ),
    );
    expect(answers.map((a) => `${a.status} ${a.body.code ?? ''}`.trim())).toEqual(Array(50).fill('201'));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const list = await client.as(workspace.apiToken).get('/v1/applications').expect(200);
    expect(list.body.items).toHaveLength(1);
  });

  it('recovery stops, saying why, when the webhook is disabled, and leaves out what was retried meanwhile', async () => {
    const { app, as } = await tenantWithApplication(client);
    receiver.answer({ status: 500, body: 'down' });
    const webhook = await addWebhook(as, app.id, {
      url: receiver.url,
      retryPolicy: { maximumAttempts: 1 },
    });
    const eventIds = [await sendEvent(as, app.id), await sendEvent(as, app.id)];
    for (const eventId of eventIds) await finishedDelivery(as, app.id, eventId, webhook.id);
    receiver.answer({ status: 200 });
    const activities = worker.get(WebhookRecoveryActivities);
    const recover = () =>
      activities.retryFailedDeliveries({
        applicationId: app.id,
        webhookId: webhook.id,
        since: '2020-01-01T00:00:00Z',
        afterId: '',
      });

    await as.patch(`/v1/applications/${app.id}/webhooks/${webhook.id}`, { enabled: false }).expect(200);
    await expect(recover()).resolves.toEqual({
      retried: 0,
      skipped: 0,
      lastId: null,
      stopped: expect.stringMatching(/is disabled or deleted/),
    });

    await as.patch(`/v1/applications/${app.id}/webhooks/${webhook.id}`, { enabled: true }).expect(200);
    await as.post(`/v1/applications/${app.id}/deliveries/${eventIds[0]}:${webhook.id}/retry`).expect(202);
    await expect(recover()).resolves.toEqual({ retried: 1, skipped: 0, lastId: null });
  });

  it('keeps no secret in clear in the database files or in any Temporal history', async () => {
    const { workspace, app, as } = await tenantWithApplication(client);
    const header = `Bearer ${randomBytes(16).toString('hex')}`;
    const webhook = await addWebhook(as, app.id, {
      url: receiver.url,
      headers: [{ key: 'Authorization', value: header }],
    });
    const applicantName = `Ada ${randomBytes(6).toString('hex')}`;
    const eventId = await sendEvent(as, app.id, { data: { applicantId: 'appl_9', name: applicantName } });
    await finishedDelivery(as, app.id, eventId, webhook.id);
    const rotated = await as.post(`/v1/applications/${app.id}/crypto-key/rotate`, {}).expect(202);
    await pollUntil(
      async () => (await as.get(`/v1/applications/${app.id}/credentials`)).body.cryptoKeyVersion,
      (version) => version === rotated.body.newVersion,
    );
    const credentials = (await as.get(`/v1/applications/${app.id}/credentials`).expect(200)).body;
    const secrets = [
      workspace.apiToken,
      app.credentials.cryptoKey,
      app.credentials.privateAppKey,
      credentials.cryptoKey,
      webhook.secret,
      header,
      applicantName,
    ];

    const files = readdirSync(join(dataDir, 'sqlite')).map((f) => readFileSync(join(dataDir, 'sqlite', f)));
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    try {
      const temporal = new Client({ connection });
      const histories: Buffer[] = [];
      for await (const run of temporal.workflow.list({
        query: `TaskQueue = '${process.env.TEMPORAL_TASK_QUEUE}'`,
      })) {
        histories.push(
          ...bytesIn(await temporal.workflow.getHandle(run.workflowId, run.runId).fetchHistory()),
        );
      }
      expect(histories.length).toBeGreaterThan(20);
      for (const secret of secrets) {
        for (const where of [...files, ...histories]) expect(where.includes(secret)).toBe(false);
      }
    } finally {
      await connection.close();
    }
  });
});

/** Every byte string in a history (payloads, failures): where a secret in clear would be. */
function bytesIn(value: unknown, found: Buffer[] = []): Buffer[] {
  if (value instanceof Uint8Array) found.push(Buffer.from(value));
  else if (typeof value === 'string') found.push(Buffer.from(value));
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) bytesIn(v, found);
  return found;
}

describe('hardening: DNS rebinding', () => {
  // Saved by an API that allows private targets, attempted by a worker that does not: as if the
  // name had resolved to a public address at save and to loopback when dialled.
  const queue = `${process.env.TEMPORAL_TASK_QUEUE}-guarded`;
  const stack = useStack({
    api: { TEMPORAL_TASK_QUEUE: queue },
    worker: { WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'false', TEMPORAL_TASK_QUEUE: queue },
  });

  it('refuses at connect a name that resolves to a private address (after the save)', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const rebinding = await stack.receivers.start();
    const webhook = await addWebhook(as, app.id, {
      url: rebinding.url.replace('127.0.0.1', 'localhost'),
      retryPolicy: { maximumAttempts: 1 },
    });
    const eventId = await sendEvent(as, app.id);
    const delivery = await finishedDelivery(as, app.id, eventId, webhook.id);
    expect(delivery.status).toBe('failed');
    expect(delivery.lastError).toMatch(/^refused: localhost resolves to .*loopback/);
    expect(rebinding.requests).toHaveLength(0);
  });
});
