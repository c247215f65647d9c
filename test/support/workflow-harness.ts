import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { workflowSource } from '../../libs/temporal/workflow-bundle';
import { createTimeSkippingEnvironment } from './time-skipping';

/**
 * Workflow tests as the Temporal samples write them: the real workflow code (the bundle the global
 * setup built) on the time-skipping test server, its activities replaced by the test's own.
 */
export class WorkflowHarness {
  private static queues = 0;

  private constructor(readonly env: TestWorkflowEnvironment) {}

  static async create(): Promise<WorkflowHarness> {
    return new WorkflowHarness(await createTimeSkippingEnvironment());
  }

  /** Runs `scenario` while a worker with these activities polls a task queue of its own. */
  async withWorker<T>(
    activities: Record<string, (...args: never[]) => unknown>,
    scenario: (taskQueue: string) => Promise<T>,
  ): Promise<T> {
    const taskQueue = `workflow-test-${++WorkflowHarness.queues}`;
    const worker = await Worker.create({
      connection: this.env.nativeConnection,
      namespace: this.env.namespace ?? 'default',
      taskQueue,
      ...workflowSource(process.env.TEST_WORKFLOW_BUNDLE!),
      activities,
    });
    return worker.runUntil(scenario(taskQueue));
  }

  /** Now, on the test server's clock (which jumps over timers). */
  async now(): Promise<number> {
    return this.env.currentTimeMs();
  }

  teardown(): Promise<void> {
    return this.env.teardown();
  }
}
