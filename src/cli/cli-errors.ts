import { ProductError } from '../core/product-error.js';

export const CLI_ERROR_CODES = ['USAGE', 'REPORTED', 'FILE', 'SANDBOX', 'UNTRUSTED_API_URL'] as const;
type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/** A mistake in how the command was called: printed with the usage hint, exit 1. */
export class UsageError extends ProductError<CliErrorCode> {
  readonly code = 'USAGE';
}

/**
 * The command has already told the user what went wrong (diagnostics, a failed apply report): main() exits
 * with `exitCode` and prints nothing more.
 */
export class ReportedFailure extends ProductError<CliErrorCode> {
  readonly code = 'REPORTED';
  constructor(readonly exitCode = 1) {
    super('reported');
  }
}

/** A file named on the command line or in the environment cannot be read or written. */
export class FileError extends ProductError<CliErrorCode> {
  readonly code = 'FILE';
}

/** The embedded sandbox could not start (its state file is unreadable, its port is taken). */
export class SandboxStartError extends ProductError<CliErrorCode> {
  readonly code = 'SANDBOX';
}

/** The repository's xandr-sync.yaml names an API other than the operator's: credentials would go there. */
export class UntrustedApiUrlError extends ProductError<CliErrorCode> {
  readonly code = 'UNTRUSTED_API_URL';
}

/** The reason of a failed file operation, without the stack: `ENOENT`, `EACCES`, ... */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
