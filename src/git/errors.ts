/**
 * Errors of the config-repository source. Both carry a stable `code` for the CLI's one error formatter, and
 * neither ever holds a URL's credentials: messages are built from the redacted form.
 */

/** A URL, ref or path refused before any git process runs. */
export class GitInputError extends Error {
  readonly code = 'GIT_REFUSED';
  constructor(
    message: string,
    readonly field: 'url' | 'ref' | 'path',
  ) {
    super(message);
    this.name = 'GitInputError';
  }
}

/** A git command that ran and failed (network, authentication, unknown ref, a cache in use). */
export class GitCommandError extends Error {
  readonly code = 'GIT_FAILED';
  constructor(
    message: string,
    /** clone, fetch, checkout, describe or lock: which step failed. */
    readonly step: string,
  ) {
    super(message);
    this.name = 'GitCommandError';
  }
}
