/** A small seeded PRNG (mulberry32): the same seed always generates the same workload. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

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
