import type { Readable, Writable } from 'node:stream';

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
}

export interface Command {
  summary: string;
  usage: string;
  run(io: CommandIO): Promise<number>;
}

/** A mistake in how the command was called: printed with the usage hint, exit 1. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The command has already told the user what went wrong (diagnostics, a failed apply report): main()
 * exits with `exitCode` and prints nothing more.
 */
export class ReportedFailure extends Error {
  readonly code = 'REPORTED';
  constructor(readonly exitCode = 1) {
    super('reported');
    this.name = 'ReportedFailure';
  }
}

/** Exit codes of DESIGN.md section 4. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_CHANGES = 2;
