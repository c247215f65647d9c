// Loaded first by main.ts: tracing must be on before the modules it instruments (http, express,
// Nest, undici, pino) are loaded. Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
import { startTracing } from '../../../libs/observability/tracing';

try {
  startTracing('applications-webhooks-api');
} catch (err) {
  // A bad OTEL_* setting stops here with one line naming it, like any other setting.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
