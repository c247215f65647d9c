import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { Environment } from '../config/environment';
import { tracingClientInterceptors } from './tracing-interceptors';
import { WorkflowStarter } from './workflow-starter';

/**
 * The Temporal client as a Nest provider. The connection is lazy, so the API starts (and reports
 * itself not ready) while Temporal is down, and connects once it is up.
 */
@Injectable()
export class TemporalConnection implements OnApplicationShutdown {
  readonly connection: Connection;

  constructor(env: Environment) {
    this.connection = Connection.lazy({
      address: env.TEMPORAL_ADDRESS,
      connectTimeout: env.TEMPORAL_CONNECT_TIMEOUT_MS,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');
export const InjectTemporalClient = () => Inject(TEMPORAL_CLIENT);

@Global()
@Module({
  providers: [
    TemporalConnection,
    {
      provide: TEMPORAL_CLIENT,
      inject: [TemporalConnection, Environment],
      useFactory: ({ connection }: TemporalConnection, env: Environment) =>
        new Client({
          connection,
          namespace: env.TEMPORAL_NAMESPACE,
          interceptors: { workflow: tracingClientInterceptors() },
        }),
    },
    {
      provide: WorkflowStarter,
      inject: [TEMPORAL_CLIENT, Environment],
      useFactory: (client: Client, env: Environment) => new WorkflowStarter(client, env.TEMPORAL_TASK_QUEUE),
    },
  ],
  exports: [TemporalConnection, TEMPORAL_CLIENT, WorkflowStarter],
})
export class TemporalClientModule {}
