/**
 * What went wrong talking to GitHub, as data: a stable `code` (main() prints any error with a string code as
 * `error: <message>` plus the hint), the HTTP status when GitHub answered, and the cause. Messages name the
 * request and GitHub's own explanation; they never hold the token (it is only ever in a request header).
 */
export class GithubError extends Error {
  readonly code = 'GITHUB';
  readonly status?: number;
  readonly hint?: string;

  constructor(message: string, facts: { status?: number; hint?: string; cause?: unknown } = {}) {
    super(message, facts.cause === undefined ? undefined : { cause: facts.cause });
    this.name = 'GithubError';
    this.status = facts.status;
    this.hint = facts.hint;
  }
}
