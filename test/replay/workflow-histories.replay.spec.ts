import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowSource } from '../../libs/temporal/workflow-bundle';

/**
 * Determinism guard: histories recorded from real runs (test/replay/histories, one JSON file per
 * workflow scenario, exported with `temporal workflow show -o json`) must replay against today's
 * workflow code. A change that would break workflows already running fails here.
 */
const HISTORIES = join(__dirname, 'histories');

describe('workflow histories replay against the current code', () => {
  const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  // Tracing on or off, a worker must replay what the other recorded: both bundles replay every history.
  it.each(files.flatMap((file) => [[file, 'untraced'] as const, [file, 'traced'] as const]))(
    '%s replays without nondeterminism (%s bundle)',
    async (file, bundle) => {
      // The JSON that `temporal workflow show -o json` writes: the SDK parses it itself.
      const history: unknown = JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));
      const source = workflowSource(process.env.TEMPORAL_WORKFLOW_BUNDLE!, bundle === 'traced');
      await expect(Worker.runReplayHistory(source, history, file)).resolves.toBeUndefined();
    },
  );
});
