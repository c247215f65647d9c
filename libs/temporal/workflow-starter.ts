import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowHandle,
  WorkflowHandleWithFirstExecutionRunId,
  WorkflowNotFoundError,
  WorkflowStartOptions,
} from '@temporalio/client';
import type { SignalDefinition, Workflow, WorkflowResultType } from '@temporalio/common';
import { TimeoutError, withTimeout } from '../common/with-timeout';
import type { WorkflowContract } from './contracts/workflow-contract';

/** Start options without the task queue, which is always the service's own. */
export type StartOptions<W extends Workflow> = Omit<WorkflowStartOptions<W>, 'taskQueue'>;

/** A workflow's result if it finished within the wait, or its handle to say "in progress". */
export type Waited<W extends Workflow> =
  | { finished: true; result: WorkflowResultType<W>; handle: WorkflowHandle<W> }
  | { finished: false; handle: WorkflowHandle<W> };

/**
 * The one way the API and the worker start and signal workflows: by the workflow's contract and
 * its signal definitions (libs/temporal/contracts: typed arguments and results, no names as
 * strings), never by importing workflow code. Provided by TemporalClientModule.
 */
export class WorkflowStarter {
  constructor(
    readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /**
   * Starts a workflow on the service's task queue. With `workflowIdConflictPolicy: 'USE_EXISTING'`
   * the same request made again finds its workflow, running or (under REJECT_DUPLICATE) finished;
   * otherwise WorkflowExecutionAlreadyStartedError says one is running.
   */
  async start<W extends Workflow>(
    workflow: WorkflowContract<W>,
    options: StartOptions<W>,
  ): Promise<WorkflowHandleWithFirstExecutionRunId<W>> {
    try {
      return await this.client.workflow.start<W>(workflow.name, {
        ...options,
        taskQueue: this.taskQueue,
      } as WorkflowStartOptions<W>);
    } catch (err) {
      if (
        !(err instanceof WorkflowExecutionAlreadyStartedError) ||
        options.workflowIdConflictPolicy !== 'USE_EXISTING'
      )
        throw err;
      // Rare (a repeat after it finished): one more call, to name the run found.
      const found = this.client.workflow.getHandle<W>(options.workflowId);
      const { runId } = await found.describe();
      return Object.assign(found, { firstExecutionRunId: runId });
    }
  }

  /**
   * Starts the next run under an ID whose previous run may still be closing (it has done its last
   * step, then closes): waits up to `waitMs` for that run to close, then starts. Throws
   * WorkflowExecutionAlreadyStartedError if it is still running then.
   */
  async startNext<W extends Workflow>(
    workflow: WorkflowContract<W>,
    options: Omit<StartOptions<W>, 'workflowIdConflictPolicy'>,
    waitMs: number,
  ): Promise<WorkflowHandleWithFirstExecutionRunId<W>> {
    const next = { ...options, workflowIdConflictPolicy: 'FAIL' } as StartOptions<W>;
    try {
      return await this.start(workflow, next);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // However the previous run ends (completed, failed, terminated), only that it has matters.
      await this.wait(this.client.workflow.getHandle(options.workflowId), waitMs).catch(() => undefined);
      return this.start(workflow, next);
    }
  }

  /** Starts (or finds) a workflow and waits for its result, at most `waitMs`: answer now or say in progress. */
  async startAndWait<W extends Workflow>(
    workflow: WorkflowContract<W>,
    options: StartOptions<W>,
    waitMs: number,
  ): Promise<Waited<W>> {
    return this.wait(await this.start(workflow, options), waitMs);
  }

  /** Waits for a started workflow's result, at most `waitMs`. */
  async wait<W extends Workflow>(handle: WorkflowHandle<W>, waitMs: number): Promise<Waited<W>> {
    try {
      const result = (await withTimeout(handle.result(), waitMs)) as WorkflowResultType<W>;
      return { finished: true, result, handle };
    } catch (err) {
      if (err instanceof TimeoutError) return { finished: false, handle };
      throw err;
    }
  }

  /** Signals a workflow, starting it first (with these options) if none runs under its ID. */
  async signalWithStart<W extends Workflow, Args extends unknown[]>(
    workflow: WorkflowContract<W>,
    options: Omit<StartOptions<W>, 'workflowIdConflictPolicy'> & {
      signal: SignalDefinition<Args>;
      signalArgs: Args;
    },
  ): Promise<void> {
    await this.client.workflow.signalWithStart(workflow.name, {
      ...options,
      taskQueue: this.taskQueue,
    } as Parameters<Client['workflow']['signalWithStart']>[1]);
  }

  /** Whether a workflow has ended, or never ran (none runs under its ID). */
  async ended(workflowId: string): Promise<boolean> {
    try {
      const { status } = await this.client.workflow.getHandle(workflowId).describe();
      return status.name !== 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return true;
      throw err;
    }
  }

  /** Signals a running workflow; false when there is none (finished, or never started). */
  async signal<Args extends unknown[]>(
    workflowId: string,
    signal: SignalDefinition<Args>,
    ...args: Args
  ): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(workflowId).signal(signal, ...args);
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }
}
