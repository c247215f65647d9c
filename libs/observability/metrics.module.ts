import { DynamicModule, Global, Module } from '@nestjs/common';
import { METRICS_ROLE, MetricsListener, MetricsRole } from './metrics-listener';
import { ServiceMetrics } from './service-metrics';

/** The process's metrics, for any service that counts something, and its /metrics listener if any. */
@Global()
@Module({})
export class MetricsModule {
  static forProcess(role: MetricsRole): DynamicModule {
    return {
      module: MetricsModule,
      providers: [ServiceMetrics, MetricsListener, { provide: METRICS_ROLE, useValue: role }],
      exports: [ServiceMetrics, MetricsListener],
    };
  }
}
