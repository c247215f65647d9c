import type { Environment } from '../config/environment';
import { EVENT_TYPE_LABELS_MAX, OTHER_EVENT_TYPES, ServiceMetrics } from './service-metrics';

describe('ServiceMetrics', () => {
  const metrics = () => new ServiceMetrics({ METRICS_ENABLED: false } as Environment);

  it('gives the first event types a series each, and counts the rest under one label', async () => {
    const m = metrics();
    for (let i = 0; i < EVENT_TYPE_LABELS_MAX + 5; i++) m.eventAccepted(`TYPE_${i}`);
    m.eventAccepted('TYPE_0');
    const { values } = await m.eventsAccepted.get();
    expect(values).toHaveLength(EVENT_TYPE_LABELS_MAX + 1);
    expect(values.find((v) => v.labels.event_type === 'TYPE_0')?.value).toBe(2);
    expect(values.find((v) => v.labels.event_type === OTHER_EVENT_TYPES)?.value).toBe(5);
  });

  it('observes an attempt in seconds, under its outcome', async () => {
    const m = metrics();
    m.attemptMade('timeout', 15_000);
    const { values } = await m.attemptDuration.get();
    expect(values.find((v) => v.metricName?.endsWith('_sum'))).toMatchObject({
      labels: { outcome: 'timeout' },
      value: 15,
    });
    expect(await m.exposition()).toContain('webhook_attempts_total{outcome="timeout"} 1');
  });

  it('keeps its own registry: two processes in one test run do not mix their counts', async () => {
    const [a, b] = [metrics(), metrics()];
    a.keyRotated('crypto_key', 'scheduled');
    expect(await a.exposition()).toContain('key_rotations_total{key="crypto_key",trigger="scheduled"} 1');
    expect(await b.exposition()).not.toContain('key_rotations_total{');
  });
});
