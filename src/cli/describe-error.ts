import { isProductError, type ProductError } from '../core/product-error.js';
import { render, type Sink } from '../render/registry.js';
import { URL_ERROR_CODES } from '../core/url-policy.js';
import { APPLY_ERROR_CODES } from '../apply/apply-errors.js';
import { GIT_ERROR_CODES } from '../git/git-errors.js';
import { GITHUB_ERROR_CODES } from '../github/github-errors.js';
import { READ_ERROR_CODES } from '../read/read-errors.js';
import { SYNC_ERROR_CODES } from '../sync/sync-errors.js';
import { XANDR_ERROR_CODES } from '../xandr/xandr-errors.js';
import { CLI_ERROR_CODES, type ReportedFailure } from './cli-errors.js';

/** Every code the product raises on purpose, from each module's own catalogue. */
const KNOWN_CODES: ReadonlySet<string> = new Set<string>([
  ...CLI_ERROR_CODES,
  ...URL_ERROR_CODES,
  ...XANDR_ERROR_CODES,
  ...READ_ERROR_CODES,
  ...APPLY_ERROR_CODES,
  ...GIT_ERROR_CODES,
  ...GITHUB_ERROR_CODES,
  ...SYNC_ERROR_CODES,
]);

/** An error the product raised on purpose, with a catalogued code: a person can act on its message. */
function isExpected(error: unknown): error is ProductError {
  return isProductError(error) && KNOWN_CODES.has(error.code);
}

/** The exit code for an error that ends a command. */
export function exitCodeOf(error: unknown): number {
  return isReported(error) ? error.exitCode : 1;
}

/** The command has printed what went wrong already (ReportedFailure). */
export function isReported(error: unknown): error is ReportedFailure {
  return isExpected(error) && error.code === 'REPORTED' && typeof (error as ReportedFailure).exitCode === 'number';
}

/**
 * The one place that turns an error into words for a person. A usage mistake gets the usage hint; any other
 * catalogued error its message and hint; anything else (a TypeError, an fs error nobody wrapped) is a bug
 * in xandr-sync and says so, with what to report.
 */
export function describeError(error: unknown, usageHint: string): string {
  if (isExpected(error)) {
    if (error.code === 'USAGE') return `error: ${error.message}\nRun '${usageHint}' for usage.`;
    return `error: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ''}`;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return [
    'internal error: this is a bug in xandr-sync, not in your configuration.',
    'Please report it to the maintainers (README.md, "Reporting a problem") with the command you ran, the version (xandr-sync --version) and this output:',
    detail,
  ].join('\n');
}

/** The error as the `error` member of a machine-format error document (renderers' ErrorDocument). */
export function errorFacts(error: unknown): { code: string; message: string; hint?: string } {
  if (isExpected(error)) return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { code: 'INTERNAL', message: 'internal error: this is a bug in xandr-sync; run the command with --format text to see what to report' };
}

/**
 * Runs a command's work so that a machine format always prints one document: when it fails with an error
 * the command has not reported itself, the error document goes to stdout (JSON, or markdown a comment can
 * show) before the error goes on to main(), which prints it for people on stderr.
 */
export async function withErrorDocument<T>(sink: Sink, command: string, format: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isReported(error) && (format === 'json' || format === 'markdown')) render('error', format, { command, error: errorFacts(error) }, sink);
    throw error;
  }
}
