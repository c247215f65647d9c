/**
 * `npm run reseal`: after a master key rotation, re-seals every stored secret under MASTER_KEY.
 * Set MASTER_KEY to the new key and MASTER_KEY_PREVIOUS to the old one(s); run it; then drop
 * MASTER_KEY_PREVIOUS. Safe to run while the service runs, and to run again.
 */
import 'reflect-metadata';
import mongoose from 'mongoose';
import { validateEnvironment } from '../libs/config/environment';
import { masterKeyringFrom } from '../libs/crypto/crypto.module';
import { resealAll } from '../libs/persistence/sealed-fields';

async function main(): Promise<void> {
  const env = validateEnvironment(process.env);
  const keyring = masterKeyringFrom(env);
  const connection = await mongoose.connect(env.MONGODB_URI, { serverSelectionTimeoutMS: 10_000 });
  try {
    for (const report of await resealAll(connection.connection.db!, keyring)) {
      process.stdout.write(
        `${report.collection}.${report.field}: ${report.resealed} re-sealed under master key ${keyring.currentId}\n`,
      );
    }
  } finally {
    await mongoose.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
