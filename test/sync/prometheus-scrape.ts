import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/**
 * The exposition read back the way a scraper reads it (parse-prometheus-text-format, prom2json's shape), so
 * metric tests check what /metrics says rather than prom-client's internals.
 */
export interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  /** Samples as the text has them: histograms as `_bucket{le}`, `_sum` and `_count`. */
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  for (const parsed of parsePrometheusTextFormat(text)) {
    const type = parsed.type.toLowerCase() as Family['type'];
    const samples: Family['samples'] = [];
    for (const metric of parsed.metrics) {
      const labels = metric.labels ?? {};
      if (metric.buckets) {
        for (const [le, count] of Object.entries(metric.buckets)) samples.push({ name: `${parsed.name}_bucket`, labels: { ...labels, le }, value: number(count) });
        // The parser drops _sum and _count of a histogram with labels besides `le` (prom-client's
        // nodejs_gc_duration_seconds{kind}); the +Inf bucket is the count by definition.
        if (metric.sum !== undefined) samples.push({ name: `${parsed.name}_sum`, labels, value: number(metric.sum) });
        samples.push({ name: `${parsed.name}_count`, labels, value: number(metric.count ?? metric.buckets['+Inf']) });
      } else {
        samples.push({ name: parsed.name, labels, value: number(metric.value) });
      }
    }
    if (families.has(parsed.name)) throw new Error(`${parsed.name} appears twice in the exposition`);
    families.set(parsed.name, { name: parsed.name, help: parsed.help, type, samples });
  }
  return families;
}

function number(text: string | undefined): number {
  if (text === undefined) throw new Error('a sample without a value');
  const value = text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
  if (Number.isNaN(value) && text.toLowerCase() !== 'nan') throw new Error(`sample value ${JSON.stringify(text)} is not a number`);
  return value;
}

/** The value of one series (labels exactly), or undefined. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      const keys = Object.keys(labels);
      if (keys.length === Object.keys(sample.labels).length && keys.every((k) => sample.labels[k] === labels[k])) return sample.value;
    }
  }
  return undefined;
}

/** Scrapes a metrics source (SyncMetrics, or anything that renders the exposition) and reads it back. */
export async function scrape(metrics: { render(): Promise<string> }): Promise<Map<string, Family>> {
  return parseExposition(await metrics.render());
}
