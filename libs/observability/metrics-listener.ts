import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Server } from 'node:http';
import { Environment } from '../config/environment';
import { closeServer, listenForScrapes } from './metrics-endpoint';
import { ServiceMetrics } from './service-metrics';
import { temporalSdkMetrics } from './temporal-runtime';

export type MetricsRole = 'api' | 'worker';
export const METRICS_ROLE = Symbol('METRICS_ROLE');

/**
 * /metrics on a listener of its own: the worker's (WORKER_METRICS_HOST:WORKER_METRICS_PORT, with
 * the Temporal SDK's metrics relayed), or the API's when API_METRICS_PORT binds it apart from the
 * API's port. Nothing when metrics are off or no port is set.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    private readonly env: Environment,
    private readonly metrics: ServiceMetrics,
    @Inject(METRICS_ROLE) private readonly role: MetricsRole,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const address = this.address();
    if (!address) return;
    const relayed = this.role === 'worker' ? temporalSdkMetrics : async () => '';
    const { server, url } = await listenForScrapes(address.host, address.port, async () => {
      const [own, sdk] = await Promise.all([this.metrics.exposition(), relayed()]);
      return own + sdk;
    });
    this.server = server;
    this.logger.log(`${this.role === 'api' ? 'API' : 'Worker'} metrics at ${url}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await closeServer(this.server);
  }

  private address(): { host: string; port: number } | null {
    const env = this.env;
    if (!env.METRICS_ENABLED) return null;
    if (this.role === 'api')
      return env.API_METRICS_PORT === undefined
        ? null
        : { host: env.API_METRICS_HOST ?? env.HOST, port: env.API_METRICS_PORT };
    return env.WORKER_METRICS_PORT === undefined
      ? null
      : { host: env.WORKER_METRICS_HOST, port: env.WORKER_METRICS_PORT };
  }
}
