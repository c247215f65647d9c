import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../libs/common/project-root';

export interface ServerBinaries {
  temporalCli: string;
  temporalTestServer: string;
  ferretdb: string;
  /** Folder with PostgreSQL's initdb and postgres. */
  postgresBinDir: string;
  /** The Temporal server and its SQL tool, when asked for (built from the Go module: minutes, once). */
  temporalServer?: string;
  temporalSqlTool?: string;
}

/**
 * Paths of the pinned server binaries, installing them into the cache on first use
 * (scripts/install-servers.sh). Progress goes to this process' stderr.
 */
export async function serverBinaries({ temporalServer = false } = {}): Promise<ServerBinaries> {
  const script = join(projectRoot(), 'scripts', 'install-servers.sh');
  const child = promisify(execFile)('bash', [script, ...(temporalServer ? ['--temporal-server'] : [])], {
    maxBuffer: 1 << 20,
  });
  child.child.stderr?.pipe(process.stderr);
  const { stdout } = await child;
  const paths = Object.fromEntries(
    stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => line.split('=', 2) as [string, string]),
  );
  return {
    temporalCli: paths.TEMPORAL_CLI,
    temporalTestServer: paths.TEMPORAL_TEST_SERVER,
    ferretdb: paths.FERRETDB,
    postgresBinDir: paths.POSTGRES_BIN_DIR,
    temporalServer: paths.TEMPORAL_SERVER,
    temporalSqlTool: paths.TEMPORAL_SQL_TOOL,
  };
}
