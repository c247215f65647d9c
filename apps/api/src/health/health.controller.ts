import { Controller, Get, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { ApiError } from '../../../../libs/http/api-error';
import { MongoDbHealthIndicator } from './mongodb.health';
import { TemporalHealthIndicator } from './temporal.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongodb: MongoDbHealthIndicator,
    private readonly temporal: TemporalHealthIndicator,
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
        () => this.mongodb.check('mongodb'),
        () => this.temporal.check('temporal'),
      ]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'NOT_READY',
        `Not ready: ${down.join(' and ')} down`,
        {
          ...result.details,
        },
      );
    }
  }
}
