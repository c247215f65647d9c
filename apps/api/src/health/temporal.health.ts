import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Environment } from '../../../../libs/config/environment';
import { TemporalConnection } from '../../../../libs/temporal/temporal-client.module';

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
    try {
      const deadline = Date.now() + this.env.HEALTH_CHECK_TIMEOUT_MS;
      await connection.withDeadline(deadline, async () => {
        await connection.ensureConnected();
        await connection.healthService.check({});
      });
      return indicator.up({ address: this.env.TEMPORAL_ADDRESS });
    } catch (err) {
      return indicator.down({ address: this.env.TEMPORAL_ADDRESS, message: describe(err) });
    }
  }
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].slice(0, 200);
}
