import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { METRICS_ROLE, MetricsListener, MetricsRole } from './metrics-listener';
import { ServiceMetrics } from './service-metrics';
import { stopTracing } from './tracing';

/** Sends the spans still buffered when the process stops. */
@Injectable()
class TracingFlush implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return stopTracing();
  }
}

/**
 * The process's metrics, for any service that counts something, its /metrics listener if it has
 * one, and the end of its tracing (which instrument.ts starts before anything loads).
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forProcess(role: MetricsRole): DynamicModule {
    return {
      module: ObservabilityModule,
      providers: [ServiceMetrics, MetricsListener, TracingFlush, { provide: METRICS_ROLE, useValue: role }],
      exports: [ServiceMetrics, MetricsListener],
    };
  }
}
