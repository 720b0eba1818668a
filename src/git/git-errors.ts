import { ProductError } from '../core/product-error.js';

export const GIT_ERROR_CODES = ['GIT_REFUSED', 'GIT_FAILED'] as const;
type GitErrorCode = (typeof GIT_ERROR_CODES)[number];

/**
 * Errors of the config-repository source. Both carry a stable `code` for the CLI's one error formatter, and
 * neither ever holds a URL's credentials: messages are built from the redacted form.
 */

/** A URL, ref or path refused before any git process runs. */
export class GitInputError extends ProductError<GitErrorCode> {
  readonly code = 'GIT_REFUSED';
  constructor(
    message: string,
    readonly field: 'url' | 'ref' | 'path',
  ) {
    super(message);
  }
}

/** A git command that ran and failed (network, authentication, unknown ref, a cache in use). */
export class GitCommandError extends ProductError<GitErrorCode> {
  readonly code = 'GIT_FAILED';
  constructor(
    message: string,
    /** clone, fetch, checkout, describe or lock: which step failed. */
    readonly step: string,
  ) {
    super(message);
  }
}
