import { createHeraldMetrics } from '../src/herald-metrics';

const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('createHeraldMetrics', () => {
  test('counts finished deliveries by outcome and webhook type, latency only for delivered alerts', async () => {
    const metrics = createHeraldMetrics({ defaultMetrics: false });
    metrics.deliveryFinished({ outcome: 'delivered', webhookType: 'discord', latencyMs: 1_500 });
    metrics.deliveryFinished({ outcome: 'delivered', webhookType: 'discord', latencyMs: 20 });
    metrics.deliveryFinished({ outcome: 'dead', webhookType: 'slack', latencyMs: null });
    metrics.deliveryFinished({ outcome: 'delivered', webhookType: 'slack', latencyMs: 99_000, kind: 'digest' });
    const text = await metrics.render();
    expect(sample(text, 'herald_deliveries_total{outcome="delivered",webhook_type="discord"}')).toBe(2);
    expect(sample(text, 'herald_deliveries_total{outcome="dead",webhook_type="slack"}')).toBe(1);
    expect(sample(text, 'herald_deliveries_total{outcome="delivered",webhook_type="slack"}')).toBe(1);
    expect(sample(text, 'herald_delivery_latency_seconds_count{webhook_type="discord"}')).toBe(2);
    expect(sample(text, 'herald_delivery_latency_seconds_sum{webhook_type="discord"}')).toBeCloseTo(1.52);
    expect(sample(text, 'herald_delivery_latency_seconds_bucket{le="0.05",webhook_type="discord"}')).toBe(1);
    expect(sample(text, 'herald_delivery_latency_seconds_bucket{le="2.5",webhook_type="discord"}')).toBe(2);
    // A digest has no alert receipt time: it is counted, but not as alert latency.
    expect(sample(text, 'herald_delivery_latency_seconds_count{webhook_type="slack"}')).toBeUndefined();
  });

  test('counts ingested alerts by type and ignores empty counts', async () => {
    const metrics = createHeraldMetrics({ defaultMetrics: false });
    metrics.alertsIngested('print_failed');
    metrics.alertsIngested('print_failed', 2);
    metrics.alertsIngested('spool_low', 0);
    const text = await metrics.render();
    expect(sample(text, 'herald_alerts_ingested_total{type="print_failed"}')).toBe(3);
    expect(text).not.toContain('type="spool_low"');
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  test('process metrics are on by default, and each registry is separate', async () => {
    const a = createHeraldMetrics();
    const b = createHeraldMetrics({ defaultMetrics: false });
    a.alertsIngested('bed_cooled');
    expect(await a.render()).toContain('process_cpu_user_seconds_total');
    expect(await b.render()).not.toContain('bed_cooled');
  });
});
