// Runs in every integration test file before it loads: the settings the app reads, pointing at
// the run's servers, with a database and a task queue of this file's own.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';

const slug = basename(expect.getState().testPath ?? 'test', '.spec.ts')
  .replace(/[^a-z0-9]+/gi, '_')
  .slice(0, 40);
const unique = `${slug}_${randomBytes(4).toString('hex')}`;

process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
process.env.TEMPORAL_ADDRESS = process.env.TEST_TEMPORAL_ADDRESS;
process.env.MONGODB_URI = `${process.env.TEST_MONGODB_SERVER}/test_${unique}`;
process.env.TEMPORAL_TASK_QUEUE = `test-${unique}`;
process.env.TEMPORAL_WORKFLOW_BUNDLE = process.env.TEST_WORKFLOW_BUNDLE;
process.env.ADMIN_TOKEN = `test-operator-token-${randomBytes(16).toString('hex')}`;
process.env.MASTER_KEY = randomBytes(32).toString('base64');
// Receivers in tests listen on loopback; the SSRF tests turn this off for their own app.
process.env.WEBHOOKS_ALLOW_PRIVATE_TARGETS = 'true';
// Every test worker sets up its own retention schedule: hourly, one could fire during a test that
// ages data on purpose. Tests that need a run trigger it.
process.env.DATA_RETENTION_EVERY = 'P365D';
// In-process workers serve /metrics on a free port, like every server a test starts.
process.env.WORKER_METRICS_PORT = '0';

// The Temporal SDK logs every worker state change at INFO; tests want its warnings only.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed by an earlier test file in this jest worker process.
}
