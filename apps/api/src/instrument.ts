// Loaded first by main.ts: tracing must be on before the modules it instruments (http, express,
// Nest, undici, pino) are loaded. Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
import { startTracingOrExit } from '../../../libs/observability/tracing';

startTracingOrExit('applications-webhooks-api');
