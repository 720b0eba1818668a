/**
 * A minimal Prometheus registry: counters, gauges and one kind of histogram, rendered in the text
 * exposition format (version 0.0.4) that every Prometheus-compatible scraper reads. Label sets are fixed
 * when a metric is declared, and the values are declared up front where they are known, so a series
 * exists (at 0) before its first event and dashboards need no `or vector(0)`.
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

class Series<V> {
  private readonly values = new Map<string, { labels: Labels; value: V }>();

  constructor(
    private readonly labelNames: readonly string[],
    private readonly initial: () => V,
  ) {}

  get(labels: Labels): V {
    const key = this.key(labels);
    let entry = this.values.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, value: this.initial() };
      this.values.set(key, entry);
    }
    return entry.value;
  }

  set(labels: Labels, value: V): void {
    this.get(labels);
    this.values.get(this.key(labels))!.value = value;
  }

  entries(): { labels: Labels; value: V }[] {
    return [...this.values.values()];
  }

  private key(labels: Labels): string {
    const names = Object.keys(labels);
    if (names.length !== this.labelNames.length || !this.labelNames.every((n) => n in labels)) {
      throw new Error(`metric labels ${JSON.stringify(names)} do not match the declared ${JSON.stringify(this.labelNames)}`);
    }
    return this.labelNames.map((n) => labels[n]).join('\u0000');
  }
}

export class Counter implements Family {
  readonly type = 'counter';
  private readonly series: Series<{ n: number }>;

  constructor(
    readonly name: string,
    readonly help: string,
    labelNames: readonly string[] = [],
  ) {
    this.series = new Series(labelNames, () => ({ n: 0 }));
    if (labelNames.length === 0) this.series.get({});
  }

  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new Error(`counter ${this.name} cannot decrease`);
    this.series.get(labels).n += by;
  }

  /** Makes the series exist at 0. */
  declare(labels: Labels): void {
    this.series.get(labels);
  }

  value(labels: Labels = {}): number {
    return this.series.get(labels).n;
  }

  render(): string[] {
    return this.series.entries().map(({ labels, value }) => sample(this.name, labels, value.n));
  }
}

export class Gauge implements Family {
  readonly type = 'gauge';
  private readonly series: Series<{ n: number }>;

  constructor(
    readonly name: string,
    readonly help: string,
    labelNames: readonly string[] = [],
  ) {
    this.series = new Series(labelNames, () => ({ n: 0 }));
    if (labelNames.length === 0) this.series.get({});
  }

  set(value: number, labels: Labels = {}): void {
    this.series.set(labels, { n: value });
  }

  value(labels: Labels = {}): number {
    return this.series.get(labels).n;
  }

  render(): string[] {
    return this.series.entries().map(({ labels, value }) => sample(this.name, labels, value.n));
  }
}

export class Histogram implements Family {
  readonly type = 'histogram';
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    for (let i = 1; i < buckets.length; i++) if (!(buckets[i]! > buckets[i - 1]!)) throw new Error(`histogram ${name}: buckets must increase`);
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) this.counts[i]!++;
  }

  get observations(): number {
    return this.count;
  }

  render(): string[] {
    return [
      ...this.buckets.map((le, i) => sample(`${this.name}_bucket`, { le: formatNumber(le) }, this.counts[i]!)),
      sample(`${this.name}_bucket`, { le: '+Inf' }, this.count),
      sample(`${this.name}_sum`, {}, this.sum),
      sample(`${this.name}_count`, {}, this.count),
    ];
  }
}

export class Registry {
  private readonly families: Family[] = [];

  register<F extends Family>(family: F): F {
    if (!NAME.test(family.name)) throw new Error(`invalid metric name ${family.name}`);
    if (this.families.some((f) => f.name === family.name)) throw new Error(`metric ${family.name} registered twice`);
    this.families.push(family);
    return family;
  }

  render(): string {
    const lines: string[] = [];
    for (const family of this.families) {
      lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`, ...family.render());
    }
    return `${lines.join('\n')}\n`;
  }
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => {
    if (!LABEL.test(k)) throw new Error(`invalid label name ${k}`);
    return `${k}="${escapeLabel(v)}"`;
  });
  return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatNumber(value)}`;
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
