import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import { freePort } from '../../scripts/stack/ports';
import { ApiClient } from '../support/api-client';
import { OtlpReceiver, ReceivedSpan } from '../support/otlp-receiver';
import { pollUntil } from '../support/poll';
import { metricNamesIn, Scrape } from '../support/prometheus';
import { startServiceProcess, ServiceProcess } from '../support/service-process';
import { useStack } from '../support/stack';
import { addWebhook, sendEvent, tenantWithApplication } from '../support/webhooks';

const DASHBOARD = join(__dirname, '..', '..', 'deploy', 'grafana', 'dashboards', 'webhooks.json');
const EVENTS = 3;

/**
 * Metrics and traces as an operator sees them: the API and the worker run as their own processes,
 * scraped over HTTP and read by the parser Prometheus itself uses (tools/prom-parse), and export
 * their spans by OTLP to a collector's receiving end in the test.
 */
describe('observability', () => {
  let collector: OtlpReceiver;
  let workerMetricsPort: number;
  // Before the stack's: the processes export to it.
  beforeAll(async () => {
    collector = await OtlpReceiver.start();
  });
  afterAll(() => collector?.stop());
  const tracing = () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  const stack = useStack({
    apiProcess: tracing,
    workerProcesses: [
      async () => {
        workerMetricsPort = await freePort();
        return { ...tracing(), WORKER_METRICS_PORT: String(workerMetricsPort) };
      },
    ],
  });
  const { receivers } = stack;
  let client: ApiClient;
  let api: ServiceProcess;
  let apiMetrics: string;
  let workerMetrics: string;

  beforeAll(async () => {
    await stack.processes.workers[0].waitFor(/Worker metrics at/);
    client = stack.client;
    api = stack.processes.api!;
    apiMetrics = `${stack.apiUrl}/metrics`;
    workerMetrics = `http://127.0.0.1:${workerMetricsPort}/metrics`;
  });

  describe('metrics after a scenario: good, failing, refusing and gone webhooks', () => {
    let scrapes: { api: Scrape; worker: Scrape };

    beforeAll(async () => {
      const good = await receivers.start();
      const failing = (await receivers.start()).answer({ status: 500 });
      const gone = (await receivers.start()).answer({ status: 410 });
      // Nothing listens there: the connection is refused.
      const refusing = `http://127.0.0.1:${await freePort()}/hook`;
      const { app, as } = await tenantWithApplication(client);
      const retryOnce = { retryPolicy: { schedule: ['PT1S'] }, eventTypes: ['APPLICANT_COMPLETED'] };
      await addWebhook(as, app.id, { url: good.url, eventTypes: ['APPLICANT_COMPLETED'] });
      await addWebhook(as, app.id, { url: failing.url, ...retryOnce });
      await addWebhook(as, app.id, { url: refusing, ...retryOnce });
      await addWebhook(as, app.id, { url: gone.url, eventTypes: ['APPLICANT_CREATED'] });
      for (let i = 0; i < EVENTS; i++) await sendEvent(as, app.id, { eventType: 'APPLICANT_COMPLETED' });
      await sendEvent(as, app.id, { eventType: 'APPLICANT_CREATED' });
      await as.post(`/v1/applications/${app.id}/private-app-key/regenerate`).expect(200);

      // Every delivery finished: 3 good, 3 + 3 failed after their two attempts, 1 to the gone one;
      // and the database gauges (read at most every 5 s) have seen all of it: the gone webhook is
      // disabled after its delivery is recorded, so a read between the two sees it still enabled.
      await pollUntil(
        () => Scrape.of(workerMetrics),
        (scrape) =>
          // (A counter with no series yet is not in the parsed scrape.)
          scrape.family('webhook_deliveries_finished_total') !== undefined &&
          scrape.value('webhook_deliveries_finished_total') === 3 * EVENTS + 1 &&
          scrape.value('webhook_deliveries_pending') === 0 &&
          scrape.value('webhooks_disabled') === 1,
        { timeoutMs: 45_000 },
      );
      scrapes = { api: await Scrape.of(apiMetrics), worker: await Scrape.of(workerMetrics) };
    });

    it("the API's counters equal what was asked of it", () => {
      const { api } = scrapes;
      expect(api.value('webhook_events_accepted_total', { event_type: 'APPLICANT_COMPLETED' })).toBe(EVENTS);
      expect(api.value('webhook_events_accepted_total', { event_type: 'APPLICANT_CREATED' })).toBe(1);
      const events = { method: 'POST', route: '/v1/applications/:appId/events', status: '202' };
      expect(api.value('http_request_duration_seconds', events)).toBe(EVENTS + 1);
      expect(api.value('http_request_duration_seconds', { route: '/v1/applications/:appId/webhooks' })).toBe(
        4,
      );
      expect(api.value('key_rotations_total', { key: 'private_app_key', trigger: 'manual' })).toBe(1);
      expect(api.family('process_cpu_user_seconds_total')).toBeDefined();
    });

    it("the worker's counters equal what the receivers saw", () => {
      const { worker } = scrapes;
      expect(worker.value('webhook_attempts_total', { outcome: 'succeeded' })).toBe(EVENTS);
      expect(worker.value('webhook_attempts_total', { outcome: 'failed' })).toBe(2 * EVENTS);
      expect(worker.value('webhook_attempts_total', { outcome: 'refused' })).toBe(2 * EVENTS);
      expect(worker.value('webhook_attempts_total', { outcome: 'gone' })).toBe(1);
      expect(worker.value('webhook_attempt_duration_seconds')).toBe(5 * EVENTS + 1);
      expect(worker.value('webhook_deliveries_finished_total', { status: 'succeeded' })).toBe(EVENTS);
      expect(worker.value('webhook_deliveries_finished_total', { status: 'failed' })).toBe(2 * EVENTS + 1);
      expect(worker.value('webhooks_disabled_total', { reason: 'gone' })).toBe(1);
      // The disabling is announced as an event of its own, raised by the worker.
      expect(worker.value('webhook_events_accepted_total', { event_type: 'WEBHOOK_ENDPOINT_DISABLED' })).toBe(
        1,
      );
    });

    it('the backlog gauges read the database: nothing pending, one webhook disabled', () => {
      const { worker } = scrapes;
      expect(worker.value('webhook_deliveries_pending')).toBe(0);
      expect(worker.value('webhook_deliveries_oldest_pending_age_seconds')).toBe(0);
      expect(worker.value('webhooks_disabled')).toBe(1);
    });

    it("the worker relays the Temporal SDK's own metrics: task slots, pollers, schedule-to-start", () => {
      const { worker } = scrapes;
      expect(worker.value('temporal_worker_task_slots_available')).toBeGreaterThan(0);
      expect(worker.value('temporal_num_pollers')).toBeGreaterThan(0);
      expect(worker.value('temporal_activity_schedule_to_start_latency_seconds')).toBeGreaterThan(0);
      expect(worker.value('temporal_workflow_task_schedule_to_start_latency_seconds')).toBeGreaterThan(0);
    });

    it('no label carries an ID: every route label is a declared route', () => {
      const routes = scrapes.api.family('http_request_duration_seconds')!.samples.map((m) => m.labels.route);
      expect(routes.length).toBeGreaterThan(0);
      for (const route of routes) expect(route).not.toMatch(/app_|wh_|evt_/);
    });

    it("the Grafana dashboard's queries read metrics the service really exports", () => {
      const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
        panels: { title: string; targets?: { expr: string }[] }[];
      };
      const exported = new Set([...scrapes.api.seriesNames(), ...scrapes.worker.seriesNames()]);
      const queried = dashboard.panels.flatMap((panel) =>
        (panel.targets ?? []).flatMap((target) =>
          metricNamesIn(target.expr).map((metric) => ({ panel: panel.title, metric })),
        ),
      );
      expect(queried.length).toBeGreaterThan(5);
      expect(queried.filter(({ metric }) => !exported.has(metric))).toEqual([]);
    });
  });

  describe('traces', () => {
    it('a protocol the service cannot send stops the process at start, naming the variable', async () => {
      const misconfigured = startServiceProcess('api', {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      });
      expect((await misconfigured.exited).code).toBe(1);
      expect(misconfigured.output()).toContain('OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported here');
    });

    it('one accepted event is one trace: the API request, the delivery workflow, the HTTP attempt', async () => {
      const receiver = await receivers.start();
      const { app, as } = await tenantWithApplication(client);
      const webhook = await addWebhook(as, app.id, { url: receiver.url });
      const eventId = await sendEvent(as, app.id);

      // The request's own log line names its trace.
      const logLine = await pollUntil(
        async () =>
          api
            .output()
            .split('\n')
            .find((line) => line.includes(`/v1/applications/${app.id}/events`) && line.includes('trace_id')),
        (line) => line !== undefined,
      );
      const traceId = (JSON.parse(logLine!.slice(logLine!.indexOf('{'))) as { trace_id: string }).trace_id;
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);

      const attemptSpan = (span: ReceivedSpan) =>
        span.service === 'applications-webhooks-worker' &&
        span.kind === 3 &&
        span.attributes['url.full'] === receiver.url;
      // Spans arrive as they end, a workflow's after its activities: wait for the whole tree.
      const rootsOf = (spans: ReceivedSpan[]) => {
        const ids = new Set(spans.map((span) => span.spanId));
        return spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId));
      };
      const spans = await pollUntil(
        async () => collector.trace(traceId),
        (found) =>
          found.some(attemptSpan) &&
          found.some((span) => span.name === 'RunWorkflow:webhookDeliveryV2') &&
          rootsOf(found).length === 1,
        { timeoutMs: 30_000 },
      );
      const named = (name: string) => spans.find((span) => span.name === name);

      const request = spans.find((span) => span.service === 'applications-webhooks-api' && span.kind === 2);
      expect(request?.attributes['http.route']).toBe('/v1/applications/:appId/events');
      // The API starts the delivery itself (one webhook): no dispatch between.
      expect(named('StartWorkflow:webhookDeliveryV2')?.service).toBe('applications-webhooks-api');
      expect(named('RunWorkflow:webhookDeliveryV2')?.attributes).toMatchObject({
        workflowId: WorkflowIds.webhookDelivery(eventId, webhook.id),
      });
      expect(named('RunWorkflow:webhookDeliveryV2')?.service).toBe('applications-webhooks-worker');
      expect(named('RunActivity:attemptDelivery')?.service).toBe('applications-webhooks-worker');
      // Each span's parent is in the trace: one tree, rooted at the API's request.
      expect(rootsOf(spans)).toEqual([request]);
      // The attempt's HTTP call hangs under the attempt activity.
      const attempt = spans.find(attemptSpan)!;
      const parentOf = (span: ReceivedSpan) => spans.find((s) => s.spanId === span.parentSpanId);
      expect(parentOf(attempt)?.name).toBe('RunActivity:attemptDelivery');
    });

    it('health probes and scrapes make no spans', async () => {
      const before = collector.spans.length;
      await fetch(apiMetrics.replace('/metrics', '/v1/health/ready'));
      await Scrape.of(apiMetrics);
      await Scrape.of(workerMetrics);
      // A traced request after them: once its span is in, theirs would be too.
      await client.createWorkspace();
      const spans = await pollUntil(
        async () => collector.spans.slice(before),
        (found) => found.some((span) => span.attributes['http.route'] === '/v1/workspaces'),
      );
      const roots = spans.filter((span) => !span.parentSpanId);
      expect(roots.map((span) => [span.service, span.kind, span.attributes['http.route']])).toEqual([
        ['applications-webhooks-api', 2, '/v1/workspaces'],
      ]);
    });
  });
});
