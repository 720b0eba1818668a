import { Prng } from '../src/sandbox/random.js';

/** The sandbox's seeded PRNG (mulberry32), with the helpers a workload generator needs. */
export class Random extends Prng {
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** `k` distinct indexes out of [0, n), in random order (partial Fisher-Yates). */
  sample(n: number, k: number): number[] {
    const index = Array.from({ length: n }, (_, i) => i);
    const take = Math.min(k, n);
    for (let i = 0; i < take; i++) {
      const j = i + this.int(n - i);
      [index[i], index[j]] = [index[j]!, index[i]!];
    }
    return index.slice(0, take);
  }
}
