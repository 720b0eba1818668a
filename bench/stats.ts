/** A sample of repeated measurements: the median is what is reported, min and max show the noise. */
export interface Sample {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function sample(values: number[]): Sample {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: NaN, min: NaN, max: NaN, runs: 0 };
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median, min: sorted[0]!, max: sorted[n - 1]!, runs: n };
}
