/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: it throws on anything a
 * scraper could reject or misread, rather than skipping it.
 * - every line is a `# HELP`, a `# TYPE` or a sample; no blank lines, and the text ends with a newline;
 * - HELP then TYPE come once per family, before its samples, and a family's samples are contiguous;
 * - names and label names are valid, label values are properly quoted and escaped, no label repeats;
 * - values are floats (or +Inf, -Inf, NaN); no series appears twice;
 * - counters are named *_total and never negative; a histogram has increasing `le` buckets ending in
 *   +Inf, cumulative counts, and a `_count` equal to the +Inf bucket.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  let current: Family | null = null;
  const closed = new Set<string>();
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line === '') throw new Error(`${where}: blank line`);
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (!m) throw new Error(`${where}: a comment must be # HELP or # TYPE`);
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`${where}: invalid metric name`);
      if (kind === 'HELP') {
        if (families.has(name)) throw new Error(`${where}: second HELP for ${name}`);
        if (current) closed.add(current.name);
        current = { name, help: rest, type: 'untyped', samples: [] };
        families.set(name, current);
      } else {
        if (!current || current.name !== name) throw new Error(`${where}: TYPE must follow the HELP of the same metric`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`${where}: unknown type`);
        if (current.samples.length) throw new Error(`${where}: TYPE after samples`);
        current.type = rest as Family['type'];
      }
      return;
    }
    const sample = parseSample(line, where);
    const family = familyOf(sample.name, families);
    if (!family) throw new Error(`${where}: sample of a metric with no HELP/TYPE`);
    if (family !== current || closed.has(family.name)) throw new Error(`${where}: samples of ${family.name} are not contiguous`);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) throw new Error(`${where}: duplicate series`);
    seen.add(key);
    family.samples.push(sample);
  });
  for (const family of families.values()) check(family);
  return families;
}

function parseSample(line: string, where: string): Sample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/.exec(line);
  if (!m) throw new Error(`${where}: not a sample`);
  const [, name, labelText, valueText] = m as unknown as [string, string, string | undefined, string];
  const labels: Record<string, string> = {};
  if (labelText) {
    let rest = labelText.slice(1, -1);
    while (rest.length) {
      const lm = /^([^=]+)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/.exec(rest);
      if (!lm) throw new Error(`${where}: malformed labels`);
      const [all, labelName, raw] = lm as unknown as [string, string, string];
      if (!LABEL_NAME.test(labelName)) throw new Error(`${where}: invalid label name ${labelName}`);
      if (labelName in labels) throw new Error(`${where}: label ${labelName} repeated`);
      labels[labelName] = raw.replace(/\\(\\|"|n)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(all.length);
    }
  }
  let value: number;
  if (valueText === '+Inf') value = Infinity;
  else if (valueText === '-Inf') value = -Infinity;
  else if (valueText === 'NaN') value = NaN;
  else if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(valueText)) value = Number(valueText);
  else throw new Error(`${where}: value ${valueText} is not a float`);
  return { name, labels, value };
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sampleName.endsWith(suffix)) {
      const family = families.get(sampleName.slice(0, -suffix.length));
      if (family && (family.type === 'histogram' || family.type === 'summary')) return family;
    }
  }
  return undefined;
}

function check(family: Family): void {
  if (family.type === 'counter') {
    if (!family.name.endsWith('_total')) throw new Error(`counter ${family.name} should end in _total`);
    for (const s of family.samples) if (!(s.value >= 0)) throw new Error(`counter ${family.name} has value ${s.value}`);
  }
  if (family.type === 'histogram') {
    const buckets = family.samples.filter((s) => s.name === `${family.name}_bucket`);
    const count = family.samples.find((s) => s.name === `${family.name}_count`);
    const sum = family.samples.find((s) => s.name === `${family.name}_sum`);
    if (!count || !sum || buckets.length === 0) throw new Error(`histogram ${family.name} lacks _bucket, _sum or _count`);
    let lastLe = -Infinity;
    let lastCount = 0;
    for (const b of buckets) {
      const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le);
      if (b.labels.le === undefined || Number.isNaN(le) || le <= lastLe) throw new Error(`histogram ${family.name}: le must increase`);
      if (b.value < lastCount) throw new Error(`histogram ${family.name}: buckets must be cumulative`);
      lastLe = le;
      lastCount = b.value;
    }
    if (lastLe !== Infinity) throw new Error(`histogram ${family.name}: no +Inf bucket`);
    if (count.value !== lastCount) throw new Error(`histogram ${family.name}: _count ${count.value} differs from the +Inf bucket ${lastCount}`);
  }
}

/** The value of one series, or undefined. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const family of families.values()) {
    for (const s of family.samples) {
      if (s.name !== name) continue;
      const keys = Object.keys(labels);
      if (keys.length === Object.keys(s.labels).length && keys.every((k) => s.labels[k] === labels[k])) return s.value;
    }
  }
  return undefined;
}
