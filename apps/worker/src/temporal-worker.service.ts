import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Environment } from '../../../libs/config/environment';
import { parseDuration } from '../../../libs/domain/duration';
import { activityFunctions } from '../../../libs/temporal/activities';
import { registerSearchAttributes } from '../../../libs/temporal/register-search-attributes';
import { upsertRetentionSchedule } from '../../../libs/temporal/schedules';
import { tracingActivityInterceptors } from '../../../libs/temporal/tracing-interceptors';
import { workflowSource } from '../../../libs/temporal/workflow-bundle';
import { closeHttpDelivery } from '../../../libs/webhooks/http-delivery';

/** The activity instances the worker registers (WorkerModule lists their classes). */
export const ACTIVITIES = Symbol('ACTIVITIES');

const CONNECT_RETRY_MS = 2_000;
/** Beyond the webhook timeout, for an attempt to record itself after its answer. */
const SHUTDOWN_MARGIN_MS = 5_000;

/**
 * Runs the Temporal worker inside the Nest application context: activities come from DI, the
 * worker starts once the context is up and drains on shutdown (SIGINT/SIGTERM).
 */
@Injectable()
export class TemporalWorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TemporalWorkerService.name);
  private connection?: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly env: Environment,
    @Inject(ACTIVITIES) private readonly activities: object[],
  ) {}

  /** Starts in the background, so the context (and its logger) is up while Temporal is awaited. */
  onApplicationBootstrap(): void {
    this.running = this.run().catch((err: unknown) => {
      if (this.stopping) return;
      this.logger.fatal({ err }, 'Temporal worker stopped with an error');
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    });
  }

  /**
   * Resolves once the worker has finished its in-flight tasks. Before the application shutdown
   * hooks, because those close the MongoDB connection: an attempt in flight must still record itself.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
    await this.connection?.close();
    await closeHttpDelivery();
  }

  private async run(): Promise<void> {
    this.connection = await this.connectWhenAvailable();
    if (this.stopping) return;
    await this.prepareTemporal();
    const workflows = workflowSource(this.env.TEMPORAL_WORKFLOW_BUNDLE);
    this.worker = await Worker.create({
      connection: this.connection,
      namespace: this.env.TEMPORAL_NAMESPACE,
      taskQueue: this.env.TEMPORAL_TASK_QUEUE,
      ...workflows,
      interceptors: { ...workflows.interceptors, activity: tracingActivityInterceptors() },
      activities: activityFunctions(...this.activities),
      // A webhook attempt in flight at shutdown may take its whole timeout: let it end and record
      // itself, rather than be cancelled and made again by the next worker.
      shutdownGraceTime: this.env.WEBHOOK_TIMEOUT_MS + SHUTDOWN_MARGIN_MS,
      // Most workflow tasks are a delivery's first and only one, which comes on the task queue
      // itself, not on this worker's sticky queue: the SDK's default ratio (0.2) polled it with 2
      // of its 10 pollers. All 10 poll it now, and the sticky queue keeps the SDK's minimum of 1
      // (retries, sequences): 56 -> 63 deliveries/s in delivery-throughput (docs/benchmarks.md).
      nonStickyToStickyPollRatio: 1,
    });
    // Asked to stop while it was being created: a worker never run keeps its hold on the connection,
    // so run it only to shut it down at once.
    if (this.stopping) return this.worker.runUntil(Promise.resolve());
    this.logger.log(
      `Worker polling task queue "${this.env.TEMPORAL_TASK_QUEUE}" at ${this.env.TEMPORAL_ADDRESS}`,
    );
    await this.worker.run();
  }

  /** The worker may start before Temporal: wait for it rather than crash-loop. */
  private async connectWhenAvailable(): Promise<NativeConnection> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await NativeConnection.connect({ address: this.env.TEMPORAL_ADDRESS });
      } catch (err) {
        if (this.stopping) throw err;
        if (attempt === 1 || attempt % 15 === 0) {
          this.logger.warn(
            `Temporal at ${this.env.TEMPORAL_ADDRESS} not reachable yet; retrying (${String(err)})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_MS));
      }
    }
  }

  /** What the worker sets up on Temporal before it polls (each unless turned off): search attributes, the retention schedule. */
  private async prepareTemporal(): Promise<void> {
    const connection = await Connection.connect({ address: this.env.TEMPORAL_ADDRESS });
    try {
      if (this.env.TEMPORAL_REGISTER_SEARCH_ATTRIBUTES) {
        const added = await registerSearchAttributes(connection, this.env.TEMPORAL_NAMESPACE);
        if (added.length > 0) this.logger.log(`Registered search attributes: ${added.join(', ')}`);
      }
      if (this.env.DATA_RETENTION_SCHEDULE)
        await upsertRetentionSchedule(
          new Client({ connection, namespace: this.env.TEMPORAL_NAMESPACE }),
          this.env.TEMPORAL_TASK_QUEUE,
          parseDuration(this.env.DATA_RETENTION_EVERY)!,
        );
    } finally {
      await connection.close();
    }
  }
}
