import { ProductError } from '../core/product-error.js';

export const GIT_ERROR_CODES = ['GIT_REFUSED', 'GIT_FAILED'] as const;
type GitErrorCode = (typeof GIT_ERROR_CODES)[number];

/**
 * Errors of the git side: the config-repository source, the worktree and the changed files. Both carry a
 * stable `code` for the CLI's one error formatter, and neither ever holds a URL's credentials: messages are
 * built from the redacted form.
 */

/** A URL, ref, revision or path refused: before any git process runs, or because it names nothing git has. */
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
    /** clone, fetch, checkout, describe, lock, changes...: which step failed. */
    readonly step: string,
    /** git's own words (its stderr), or why it was stopped, without the step around it. */
    readonly detail: string = message,
  ) {
    super(message);
  }
}
