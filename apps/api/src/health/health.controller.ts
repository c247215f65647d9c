import { Controller, Get, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, MongooseHealthIndicator } from '@nestjs/terminus';
import { Environment } from '../../../../libs/config/environment';
import { ApiError } from '../../../../libs/http/api-error';
import { TemporalHealthIndicator } from './temporal.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongo: MongooseHealthIndicator,
    private readonly temporal: TemporalHealthIndicator,
    private readonly env: Environment,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the API process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: Temporal and MongoDB each answer (503 naming what is down)' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; `details` says which and why' })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.mongo.pingCheck('mongodb', { timeout: this.env.HEALTH_CHECK_TIMEOUT_MS }),
        () => this.temporal.check('temporal'),
      ]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'NOT_READY', `Not ready: ${down.join(' and ')} down`, {
        ...result.details,
      });
    }
  }
}
