import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import { withTimeout } from '../../../../libs/common/with-timeout';
import { Environment } from '../../../../libs/config/environment';
import { describeFailure } from './describe-failure';

/**
 * MongoDB is up when it answers a real `ping` within the timeout. (Terminus' own indicator reads
 * the driver's cached state, which lags a dead server by a heartbeat, ~10 s.)
 */
@Injectable()
export class MongoDbHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @InjectConnection() private readonly connection: Connection,
    private readonly env: Environment,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    try {
      const db = this.connection.db;
      if (!db) throw new Error('not connected');
      await withTimeout(
        db.command({ ping: 1 }, { timeoutMS: this.env.HEALTH_CHECK_TIMEOUT_MS }),
        this.env.HEALTH_CHECK_TIMEOUT_MS,
      );
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: describeFailure(err) });
    }
  }
}
