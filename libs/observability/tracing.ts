import type { IncomingMessage } from 'node:http';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  detectResourcesSync,
  envDetectorSync,
  hostDetectorSync,
  processDetectorSync,
  Resource,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Paths whose requests make no spans: scrapes and probes come every few seconds and say nothing. */
const UNTRACED_PATHS = /^\/(metrics|v1\/health)(\/|\?|$)/;

export interface ActiveTracing {
  provider: NodeTracerProvider;
  /** Where finished spans go: the workflow spans the worker receives from its sandbox too. */
  processor: SpanProcessor;
  resource: Resource;
}

/**
 * Passes finished spans on, less those the Nest instrumentation makes outside any trace: it makes
 * them even for requests the HTTP instrumentation leaves untraced (health probes, scrapes).
 */
class UntracedRequestsLeftOut implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}
  onStart(...args: Parameters<SpanProcessor['onStart']>): void {
    this.next.onStart(...args);
  }
  onEnd(span: ReadableSpan): void {
    if (span.parentSpanId || span.attributes['nestjs.type'] === undefined) this.next.onEnd(span);
  }
  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

/** What is traced in this process, once startTracing has run with an endpoint set. */
let active: ActiveTracing | undefined;

/** This process's tracing, if on. */
export const activeTracing = (): ActiveTracing | undefined => active;

/** Tracing is on when an OTLP endpoint is set (the standard variables), unless the SDK is disabled. */
export function tracingConfigured(env: NodeJS.ProcessEnv): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return Boolean(endpoint) && env.OTEL_SDK_DISABLED !== 'true' && env.OTEL_TRACES_EXPORTER !== 'none';
}

/**
 * Starts OpenTelemetry tracing for this process, when configured: spans of incoming HTTP (Express,
 * Nest), of outgoing HTTP through undici (webhook attempts), and, through the Temporal interceptors
 * (libs/temporal/tracing-interceptors.ts), of workflow starts, workflows and activities. Exported
 * by OTLP over HTTP (OTEL_EXPORTER_OTLP_PROTOCOL http/protobuf, the default, or http/json). Log
 * lines written within a span carry its trace_id and span_id. Must run before the modules it
 * instruments are loaded: each main.ts loads it first (instrument.ts).
 */
export function startTracing(defaultServiceName: string, env = process.env): void {
  if (active || !tracingConfigured(env)) return;
  const protocol =
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json')
    throw new Error(
      `OTEL_EXPORTER_OTLP_PROTOCOL: ${protocol} is not supported here; use http/protobuf (port 4318) or http/json`,
    );
  const exporter = protocol === 'http/json' ? new OTLPJsonTraceExporter() : new OTLPProtoTraceExporter();
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default name.
  const resource = new Resource({ [ATTR_SERVICE_NAME]: defaultServiceName }).merge(
    detectResourcesSync({ detectors: [envDetectorSync, processDetectorSync, hostDetectorSync] }),
  );
  const processor = new UntracedRequestsLeftOut(new BatchSpanProcessor(exporter));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED_PATHS.test(req.url ?? ''),
      }),
      new ExpressInstrumentation(),
      new NestInstrumentation(),
      // Only within a trace: an attempt always is (its activity's span); the worker's relay of the
      // Temporal SDK's metrics is not.
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  active = { provider, processor, resource };
}

/** startTracing for a process's first line: a bad OTEL_* setting stops it with one line naming it. */
export function startTracingOrExit(defaultServiceName: string): void {
  try {
    startTracing(defaultServiceName);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}

/** Exports the spans still buffered (at shutdown). */
export async function stopTracing(): Promise<void> {
  await active?.provider.shutdown();
}
