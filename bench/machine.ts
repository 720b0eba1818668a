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
