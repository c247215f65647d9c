import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from '../../../../libs/common/with-timeout';
import { Environment } from '../../../../libs/config/environment';
import { TemporalConnection } from '../../../../libs/temporal/temporal-client.module';
import { describeFailure } from './describe-failure';

/** Temporal is up when its frontend answers the gRPC health check within the timeout. */
@Injectable()
export class TemporalHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly temporal: TemporalConnection,
    private readonly env: Environment,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    const { connection } = this.temporal;
    const timeoutMs = this.env.HEALTH_CHECK_TIMEOUT_MS;
    try {
      // The first connect of a lazy connection has a longer timeout of its own: bound the whole check.
      await withTimeout(
        connection.withDeadline(Date.now() + timeoutMs, async () => {
          await connection.ensureConnected();
          await connection.healthService.check({});
        }),
        timeoutMs,
      );
      return indicator.up({ address: this.env.TEMPORAL_ADDRESS });
    } catch (err) {
      return indicator.down({ address: this.env.TEMPORAL_ADDRESS, message: describeFailure(err) });
    }
  }
}
