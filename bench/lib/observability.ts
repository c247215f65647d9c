import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../scripts/stack/ports';

/**
 * How much observability a benchmark's stack runs with (BENCH_OBSERVABILITY):
 * - off: no metrics at all (METRICS_ENABLED=false), no traces;
 * - metrics (default, as docker-compose.yml runs it): both processes' /metrics, scraped every
 *   5 s as Prometheus would (3x its usual rate: the overhead is not understated);
 * - traces: metrics, plus every span exported by OTLP to a sink that drops them.
 */
export type ObservabilityMode = 'off' | 'metrics' | 'traces';

export function observabilityMode(): ObservabilityMode {
  const mode = process.env.BENCH_OBSERVABILITY ?? 'metrics';
  if (mode !== 'off' && mode !== 'metrics' && mode !== 'traces')
    throw new Error(`BENCH_OBSERVABILITY must be off, metrics or traces (was ${mode})`);
  return mode;
}

const SCRAPE_EVERY_MS = 5_000;

/** What the mode adds to the stack: the services' settings, and the scraper and span sink beside them. */
export async function benchObservability(mode: ObservabilityMode) {
  if (mode === 'off')
    return { env: { METRICS_ENABLED: 'false' }, start: () => undefined, stop: async () => {} };
  const workerMetricsPort = await freePort();
  const sink = mode === 'traces' ? await startSpanSink() : undefined;
  let scraper: NodeJS.Timeout | undefined;
  let scrapes = 0;
  let spanExports = 0;
  return {
    env: {
      METRICS_ENABLED: 'true',
      WORKER_METRICS_PORT: String(workerMetricsPort),
      ...(sink && { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint }),
    },
    /** Starts scraping the API (at its base URL's /metrics) and the worker. */
    start(apiOrigin: string) {
      const targets = [`${apiOrigin}/metrics`, `http://127.0.0.1:${workerMetricsPort}/metrics`];
      scraper = setInterval(() => {
        for (const url of targets)
          void fetch(url).then(
            (res) => res.text().then(() => scrapes++),
            () => undefined,
          );
      }, SCRAPE_EVERY_MS);
      if (sink) sink.server.on('request', () => spanExports++);
    },
    async stop() {
      clearInterval(scraper);
      if (sink) await new Promise((resolve) => sink.server.close(resolve));
      process.stdout.write(
        `observability: ${mode}: ${scrapes} scrapes${sink ? `, ${spanExports} span exports` : ''}\n`,
      );
    },
  };
}

/** An OTLP/HTTP endpoint that accepts every export and keeps nothing. */
async function startSpanSink(): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
