import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { Environment } from '../config/environment';

/**
 * With MONGODB_MONITOR_COMMANDS, counts the commands this process sends to MongoDB (round trips, by
 * command and collection, from the driver's command events) and logs the totals when sent SIGUSR2: the
 * benchmarks read them before and after a run.
 */
@Injectable()
export class MongoCommandCounter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly counts: Record<string, number> = {};
  private readonly report = () =>
    this.logger.info({ mongodbCommands: this.counts }, 'mongodb command counts');

  constructor(
    private readonly env: Environment,
    @InjectConnection() private readonly connection: Connection,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(MongoCommandCounter.name);
  }

  onApplicationBootstrap(): void {
    if (!this.env.MONGODB_MONITOR_COMMANDS) return;
    this.connection.getClient().on('commandStarted', ({ commandName, command }) => {
      // By command and collection ("find webhooks"); commands of no collection by name alone.
      const collection: unknown = command[commandName];
      const key = typeof collection === 'string' ? `${commandName} ${collection}` : commandName;
      this.counts[key] = (this.counts[key] ?? 0) + 1;
    });
    process.on('SIGUSR2', this.report);
  }

  onApplicationShutdown(): void {
    process.off('SIGUSR2', this.report);
  }
}
