import { createHeraldMetrics, type HeraldMetrics } from './herald-metrics';

const byOwner = new WeakMap<object, HeraldMetrics>();

/**
 * One registry per running Herald (keyed by its shared context), so the API and the worker of a
 * single-node process report into the same /metrics while separate tests keep separate counts.
 */
export function metricsFor(owner: object): HeraldMetrics {
  let metrics = byOwner.get(owner);
  if (!metrics) {
    metrics = createHeraldMetrics();
    byOwner.set(owner, metrics);
  }
  return metrics;
}
