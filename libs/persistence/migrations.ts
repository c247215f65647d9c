import type { Connection, mongo } from 'mongoose';
import { isDuplicateKey } from './duplicate-key';
import { hourOf } from './schemas/failed-delivery-hour.schema';

/**
 * Data migrations, run at start by whichever process connects first (API or worker), before any
 * index is built. Each is idempotent and safe to run from two processes at once: it checks what is
 * there, and a step another process has just done is not an error. Each done is noted in
 * `schema_migrations`, so that a start does not look through the data again for what it did.
 */
interface Migration {
  name: string;
  run(db: mongo.Db): Promise<void>;
}

const NAMESPACE_NOT_FOUND = 26;
const INDEX_NOT_FOUND = 27;
const codeOf = (err: unknown) => (err as { code?: number }).code;

/** Webhook endpoints became webhooks in code and storage: the collection, and `endpointId` fields. */
const webhooksNamedWebhooks: Migration = {
  name: 'webhook_endpoints → webhooks, endpointId → webhookId',
  async run(db) {
    const names = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    if (names.has('webhook_endpoints')) {
      // An empty `webhooks` (created before this ran) gives way; one with data is a conflict to settle by hand.
      const emptyTarget = names.has('webhooks') && (await db.collection('webhooks').countDocuments()) === 0;
      if (names.has('webhooks') && !emptyTarget)
        throw new Error(
          'Both webhook_endpoints and webhooks hold data: merge them by hand, then start again',
        );
      try {
        await db.renameCollection('webhook_endpoints', 'webhooks', { dropTarget: emptyTarget });
      } catch (err) {
        if (codeOf(err) !== NAMESPACE_NOT_FOUND) throw err; // renamed meanwhile by the other process
      }
    }
    for (const name of ['webhook_deliveries', 'webhook_attempts', 'webhook_secrets']) {
      if (!names.has(name)) continue;
      const collection = db.collection(name);
      await collection.updateMany(
        { endpointId: { $exists: true } },
        { $rename: { endpointId: 'webhookId' } },
      );
      for (const index of await collection.indexes()) {
        if (!index.name || !('endpointId' in index.key)) continue;
        try {
          await collection.dropIndex(index.name);
        } catch (err) {
          if (codeOf(err) !== INDEX_NOT_FOUND) throw err;
        }
      }
    }
  },
};

/**
 * Numbers the documents of each owner that lack `field`, oldest first, after the highest number the
 * owner has: for a field that became required and unique per owner. Two processes number alike.
 */
async function numberPerOwner(
  db: mongo.Db,
  collection: string,
  owner: string,
  field: string,
  first: number,
): Promise<void> {
  const documents = db.collection<{ _id: string; createdAt: Date } & Record<string, unknown>>(collection);
  const unnumbered = await documents
    .find({ [field]: { $exists: false } }, { projection: { _id: 1, [owner]: 1, createdAt: 1 } })
    .toArray();
  const byOwner = new Map<unknown, typeof unnumbered>();
  for (const doc of unnumbered) byOwner.set(doc[owner], [...(byOwner.get(doc[owner]) ?? []), doc]);
  for (const [ownerId, docs] of byOwner) {
    const [highest] = await documents
      .find({ [owner]: ownerId, [field]: { $exists: true } })
      .sort({ [field]: -1 })
      .limit(1)
      .toArray();
    let next = highest ? (highest[field] as number) + 1 : first;
    docs.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a._id.localeCompare(b._id));
    for (const doc of docs) {
      await documents.updateOne({ _id: doc._id, [field]: { $exists: false } }, { $set: { [field]: next++ } });
    }
  }
}

/** Private App Keys got versions, unique per application: inserting the next one decides a regeneration. */
const privateAppKeysVersioned: Migration = {
  name: 'private_app_keys.version',
  run: (db) => numberPerOwner(db, 'private_app_keys', 'applicationId', 'version', 1),
};

/** Webhooks got slots, unique per application: taking one is what bounds their count. */
const webhooksSlotted: Migration = {
  name: 'webhooks.slot',
  run: (db) => numberPerOwner(db, 'webhooks', 'applicationId', 'slot', 0),
};

/**
 * The failed view went by hour (FailedDeliveryHour): each failed delivery gets the hour of its last
 * attempt, and its application that hour noted. Failures written by older processes during a
 * rolling upgrade, after this ran, are not in the view until they are retried.
 */
const failedDeliveriesByHour: Migration = {
  name: 'webhook_deliveries.failedHour',
  async run(db) {
    const deliveries = db.collection<{ _id: string; applicationId: string; lastAttemptAt: Date | null }>(
      'webhook_deliveries',
    );
    const hours = db.collection<{ _id: string; applicationId: string; hour: number }>(
      'failed_delivery_hours',
    );
    const unmarked = deliveries.find(
      { status: 'failed', failedHour: { $exists: false } },
      { projection: { _id: 1, applicationId: 1, lastAttemptAt: 1, createdAt: 1 } },
    );
    for await (const delivery of unmarked) {
      const hour = hourOf(delivery.lastAttemptAt ?? new Date(0));
      try {
        await hours.insertOne({
          _id: `${delivery.applicationId}:${hour}`,
          applicationId: delivery.applicationId,
          hour,
        });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      await deliveries.updateOne({ _id: delivery._id, status: 'failed' }, { $set: { failedHour: hour } });
    }
  },
};

const MIGRATIONS: Migration[] = [
  webhooksNamedWebhooks,
  privateAppKeysVersioned,
  webhooksSlotted,
  failedDeliveriesByHour,
];

const runs = new WeakMap<Connection, Promise<void>>();

/** Resolves once this connection's database has been migrated (run once per connection). */
export function migrated(connection: Connection): Promise<void> {
  let run = runs.get(connection);
  if (!run) {
    run = (async () => {
      const db = connection.db!;
      const done = db.collection<{ _id: string; at: Date }>('schema_migrations');
      const ran = new Set((await done.find({}, { projection: { _id: 1 } }).toArray()).map((m) => m._id));
      for (const migration of MIGRATIONS.filter((m) => !ran.has(m.name))) {
        try {
          await migration.run(db);
          await done.insertOne({ _id: migration.name, at: new Date() });
        } catch (err) {
          if (isDuplicateKey(err)) continue; // done by the other process too
          const reason = err instanceof Error ? err.message : String(err);
          throw new Error(`Data migration "${migration.name}" failed: ${reason}`);
        }
      }
    })();
    runs.set(connection, run);
  }
  return run;
}
