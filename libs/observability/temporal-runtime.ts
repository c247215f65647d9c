import { Runtime } from '@temporalio/worker';
import { freePort } from '../common/free-port';
import type { Environment } from '../config/environment';
import { temporalRuntimeLogger } from '../logging/temporal-runtime-logger';

/** Where the Temporal SDK's own Prometheus exporter listens, on loopback, when installed here. */
let sdkMetricsUrl: string | undefined;

/**
 * Installs the worker process's Temporal runtime: its log lines as pino JSON, and, with metrics on,
 * the SDK's telemetry (task slots, pollers, poll and schedule-to-start latency, sticky cache) on a
 * loopback port of its own, which the worker's /metrics relays. Once per process, before any worker.
 */
export async function installWorkerRuntime(env: Environment): Promise<void> {
  const metricsOn = env.METRICS_ENABLED && env.WORKER_METRICS_PORT !== undefined;
  const bindAddress = metricsOn ? `127.0.0.1:${await freePort()}` : undefined;
  Runtime.install({
    // We own the signals: on SIGINT/SIGTERM the Nest context closes, which drains the worker.
    shutdownSignals: [],
    logger: temporalRuntimeLogger(env.LOG_LEVEL),
    ...(bindAddress && {
      telemetryOptions: {
        metrics: {
          prometheus: {
            bindAddress,
            // Prometheus conventions, like the service's own: seconds, unit and _total suffixes.
            useSecondsForDurations: true,
            unitSuffix: true,
            countersTotalSuffix: true,
          },
        },
      },
    }),
  });
  sdkMetricsUrl = bindAddress && `http://${bindAddress}/metrics`;
}

/** The Temporal SDK's metrics in Prometheus text ('' when this process did not install them). */
export async function temporalSdkMetrics(): Promise<string> {
  if (!sdkMetricsUrl) return '';
  const response = await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`the Temporal SDK's exporter answered ${response.status}`);
  return response.text();
}
