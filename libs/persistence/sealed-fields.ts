import type { mongo } from 'mongoose';
import { MasterKeyring, sealContext, SealedSecret } from '../crypto/master-keyring';

/** Every stored secret: where it lives. Add new ones here, so re-sealing covers them. */
export const SEALED_FIELDS = {
  cryptoKeyMaterial: { collection: 'crypto_keys', field: 'material' },
  privateAppKey: { collection: 'private_app_keys', field: 'key' },
  webhookSecret: { collection: 'webhook_secrets', field: 'secret' },
  eventData: { collection: 'webhook_events', field: 'data' },
  subjectKey: { collection: 'subject_keys', field: 'key' },
} as const;

export interface ResealReport {
  collection: string;
  field: string;
  resealed: number;
}

/**
 * Re-seals every stored secret that an older master key sealed under the current one. Run after
 * rotating MASTER_KEY (with the old key in MASTER_KEY_PREVIOUS); afterwards the old key can go.
 * Each record is swapped only if unchanged meanwhile (single-document update), so it is safe to
 * run while the service runs, and to run again.
 */
export async function resealAll(db: mongo.Db, keyring: MasterKeyring): Promise<ResealReport[]> {
  const reports: ResealReport[] = [];
  for (const { collection, field } of Object.values(SEALED_FIELDS)) {
    let resealed = 0;
    // $exists: events accepted before their data was sealed hold it in clear, nothing to re-seal.
    const stale = db
      .collection(collection)
      .find({ [`${field}.mk`]: { $exists: true, $ne: keyring.currentId } });
    for await (const doc of stale) {
      const id = String(doc._id);
      const sealed = doc[field] as SealedSecret;
      const fresh = keyring.seal(keyring.open(sealed, sealContext(id, field)), sealContext(id, field));
      const { modifiedCount } = await db
        .collection(collection)
        .updateOne({ _id: doc._id, [`${field}.ct`]: sealed.ct }, { $set: { [field]: fresh } });
      resealed += modifiedCount;
    }
    reports.push({ collection, field, resealed });
  }
  return reports;
}
