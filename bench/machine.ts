import { availableParallelism, cpus, loadavg, release, totalmem, type as osType } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  date: string;
  /** The 1-minute load average when the bench started: other work on the machine makes the figures noisy. */
  load: number;
}

export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() || 'unknown',
    cores: availableParallelism(),
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
    load: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

/**
 * Milliseconds a fixed piece of JavaScript takes here and now (the median of five): the same code, so a
 * higher figure means a slower machine at that moment. Shared virtual machines change speed by tens of
 * percent over minutes, which the load average alone does not show.
 */
export function cpuProbeMs(): number {
  const times: number[] = [];
  const document = { segments: Array.from({ length: 2000 }, (_, i) => ({ id: i, code: `seg-${i}`, short_name: `Segment ${i}`, price: '0', state: 'active' })) };
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    for (let i = 0; i < 10; i++) JSON.parse(JSON.stringify(document));
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[2]! * 10) / 10;
}

