import { join } from 'node:path';
import { FerretDb, startFerretDb } from '../../scripts/stack/ferretdb';

/**
 * A FerretDB of a test file's own in `dataDir`, so stopping it disturbs no other test file: on
 * SQLite files there, or on the PostgreSQL given. The returned function starts it; called again
 * with its port, it restarts on the same data.
 */
export function ownFerretDb(dataDir: string, postgresqlUrl?: string): (port?: number) => Promise<FerretDb> {
  return (port) =>
    startFerretDb({
      binary: process.env.FERRETDB!,
      dataDir,
      port,
      postgresqlUrl,
      logFile: join(dataDir, 'ferretdb.log'),
    });
}
