import { INestApplicationContext } from '@nestjs/common';
import { mongo } from 'mongoose';
import { WebhookDeliveriesRepository } from '../../libs/persistence/repositories/webhook-deliveries.repository';
import { WebhooksRepository } from '../../libs/persistence/repositories/webhooks.repository';
import { dropDatabase, startApi, startWorker } from '../support/app';

const at = new Date('2026-01-02T03:04:05Z');

/**
 * The data migration that came with calling webhook endpoints webhooks everywhere: a database as the
 * previous version left it (collection webhook_endpoints, `endpointId` fields and their indexes) is
 * migrated at start, by the API and the worker starting at once, and a second start changes nothing.
 */
describe('data migration at start: webhook endpoints are webhooks', () => {
  let client: mongo.MongoClient;
  let db: mongo.Db;
  let apps: INestApplicationContext[] = [];

  beforeAll(async () => {
    client = await new mongo.MongoClient(process.env.MONGODB_URI!).connect();
    db = client.db();
    await db.collection('webhook_endpoints').insertOne({
      _id: 'wh_old' as never,
      applicationId: 'app_old',
      workspaceId: 'ws_old',
      name: 'from before',
      url: 'https://receiver.example/hook',
      headers: [],
      eventTypes: [],
      enabled: true,
      disabledReason: null,
      retryPolicy: null,
      failingSince: null,
      lastSuccessAt: null,
      createdAt: at,
      updatedAt: at,
    });
    const old = { endpointId: 'wh_old', applicationId: 'app_old' };
    await db.collection('webhook_deliveries').insertOne({
      _id: 'evt_old:wh_old' as never,
      ...old,
      eventId: 'evt_old',
      eventType: 'APPLICANT_CREATED',
      status: 'failed',
      series: 1,
      attemptCount: 1,
      lastAttemptAt: at,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
      createdAt: at,
      finishedAt: at,
    });
    await db
      .collection('webhook_attempts')
      .insertOne({ ...old, deliveryId: 'evt_old:wh_old', series: 1, attempt: 1 });
    await db
      .collection('webhook_secrets')
      .insertOne({ _id: 'wh_old:signing:1' as never, ...old, kind: 'signing' });
    // The indexes the previous version built on endpointId.
    await db
      .collection('webhook_deliveries')
      .createIndex({ endpointId: 1, status: 1, lastAttemptAt: -1, _id: -1 });
    await db.collection('webhook_secrets').createIndex({ endpointId: 1, kind: 1, createdAt: -1 });
  });

  afterAll(async () => {
    if (apps[0]) await dropDatabase(apps[0]);
    await Promise.all(apps.map((app) => app.close()));
    await client?.close();
  });

  const collections = async () =>
    (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const indexedFields = async (name: string) =>
    (await db.collection(name).indexes()).flatMap((index) => Object.keys(index.key));

  async function expectMigrated(app: INestApplicationContext) {
    expect(await collections()).toContain('webhooks');
    expect(await collections()).not.toContain('webhook_endpoints');
    for (const name of ['webhook_deliveries', 'webhook_attempts', 'webhook_secrets']) {
      expect(await db.collection(name).countDocuments({ endpointId: { $exists: true } })).toBe(0);
      expect(await db.collection(name).countDocuments({ webhookId: 'wh_old' })).toBe(1);
      expect(await indexedFields(name)).not.toContain('endpointId');
    }
    expect(await indexedFields('webhook_deliveries')).toContain('webhookId');
    // What the code reads, it finds.
    expect(await app.get(WebhooksRepository).findById('wh_old')).toMatchObject({ name: 'from before' });
    expect(await app.get(WebhookDeliveriesRepository).failedSince('wh_old', new Date(0), '', 10)).toEqual([
      'evt_old:wh_old',
    ]);
    // The failed view, which went by hour, shows the delivery that failed before it did.
    const view = await app
      .get(WebhookDeliveriesRepository)
      .page('app_old', { status: 'failed' }, { limit: 10 });
    expect(view.items.map((d) => d._id)).toEqual(['evt_old:wh_old']);
  }

  it('migrates once, with the API and the worker starting at the same time', async () => {
    apps = await Promise.all([startApi(), startWorker()]);
    await expectMigrated(apps[1]);
  });

  it('starting again finds nothing to do and changes nothing', async () => {
    const before = await db.collection('webhook_deliveries').find().toArray();
    const again = await startWorker();
    apps.push(again);
    await expectMigrated(again);
    expect(await db.collection('webhook_deliveries').find().toArray()).toEqual(before);
  });
});
