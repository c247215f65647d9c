/**
 * Why the service never sends FerretDB an update command of many statements: FerretDB v1 on
 * PostgreSQL (the embedded store) deadlocks its connection pool on one while inserts flow, and
 * every request to it stalls until it times out. Runs 32 inserters for 5 s, alone and beside one
 * writer of each kind of update, on a fresh PostgreSQL and FerretDB, and prints what each got done.
 *   node -r @swc-node/register scripts/ferretdb-deadlock.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Collection, MongoClient } from 'mongodb';
import { serverBinaries } from './stack/binaries';
import { startFerretDb } from './stack/ferretdb';
import { startPostgres } from './stack/postgres';

type Doc = { _id: string; mark?: string };
const SECONDS = 5;
const INSERTERS = 32;
const STATEMENTS = 50;

const updates: Record<string, (docs: Collection<Doc>, last: number) => Promise<unknown>> = {
  'no update': async () => undefined,
  'one updateOne': (docs, last) => docs.updateOne({ _id: `d${last}` }, { $unset: { mark: '' } }),
  [`updateMany of ${STATEMENTS} by _id`]: (docs, last) =>
    docs.updateMany({ _id: { $in: ids(last) } }, { $unset: { mark: '' } }),
  [`bulkWrite of ${STATEMENTS} updateOne`]: (docs, last) =>
    docs.bulkWrite(
      ids(last).map((_id) => ({ updateOne: { filter: { _id }, update: { $unset: { mark: '' } } } })),
    ),
};
const ids = (last: number) => Array.from({ length: STATEMENTS }, (_, k) => `d${Math.max(0, last - k)}`);

async function main(): Promise<void> {
  const bins = await serverBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'ferretdb-deadlock-'));
  const postgres = await startPostgres({
    binDir: bins.postgresBinDir,
    dataDir: join(dir, 'postgres'),
    logFile: join(dir, 'postgres.log'),
  });
  const ferret = await startFerretDb({
    binary: bins.ferretdb,
    dataDir: join(dir, 'ferretdb'),
    postgresqlUrl: postgres.url,
    logFile: join(dir, 'ferretdb.log'),
  });
  const client = await new MongoClient(`${ferret.uri}/deadlock`, { socketTimeoutMS: 15_000 }).connect();
  try {
    const docs = client.db().collection<Doc>('docs');
    let n = 0;
    for (const [name, update] of Object.entries(updates)) {
      const until = Date.now() + SECONDS * 1_000;
      const done = { inserts: 0, updates: 0 };
      const outcome = await Promise.all([
        ...Array.from({ length: INSERTERS }, async () => {
          while (Date.now() < until)
            await docs.insertOne({ _id: `d${n++}`, mark: 'pending' }).then(() => done.inserts++);
        }),
        (async () => {
          if (name !== 'no update')
            while (Date.now() < until) await update(docs, n - 1).then(() => done.updates++);
        })(),
      ]).then(
        () => 'ok',
        (err: unknown) => `STALLED (${String(err)})`,
      );
      process.stdout.write(
        `${name.padEnd(28)} ${done.inserts} inserts, ${done.updates} updates in ${SECONDS} s: ${outcome}\n`,
      );
      if (outcome !== 'ok') break;
    }
  } finally {
    await client.close(true);
    await ferret.process.stop(1_000);
    await postgres.process.stop(5_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
