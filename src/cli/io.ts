import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../core/clock.js';

/**
 * Everything a command may touch of the outside world. main() builds it from `process`; tests build it
 * from buffers, so commands never reach for globals.
 */
export interface CommandIO {
  argv: string[];
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). Long-running commands race against it. */
  stopSignal: AbortSignal;
  /** Time, as a port: progress, the sync job's schedule and the client's backoff all ask it. */
  clock: Clock;
}

export interface Command {
  summary: string;
  usage: string;
  run(io: CommandIO): Promise<number>;
}

/** Exit codes of DESIGN.md section 4. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_CHANGES = 2;
