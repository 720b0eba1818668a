import { ProductError } from '../core/product-error.js';

export const GITHUB_ERROR_CODES = ['GITHUB'] as const;

/**
 * What went wrong talking to GitHub, as data: a stable `code` (cli/describe-error.ts prints it as
 * `error: <message>` plus the hint), the HTTP status when GitHub answered, and the cause. Messages name the
 * request and GitHub's own explanation; they never hold the token (it is only ever in a request header).
 */
export class GithubError extends ProductError<(typeof GITHUB_ERROR_CODES)[number]> {
  readonly code = 'GITHUB';
  readonly status?: number;

  constructor(message: string, facts: { status?: number; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: facts.cause, hint: facts.hint });
    this.status = facts.status;
  }
}
