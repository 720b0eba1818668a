import { ProductError } from '../core/product-error.js';

export const XANDR_ERROR_CODES = [
  'XANDR_API',
  'XANDR_AUTH',
  'XANDR_RATE_LIMIT',
  'XANDR_NETWORK',
  'XANDR_BAD_RESPONSE',
  'XANDR_ENDPOINT',
  'XANDR_ABORTED',
] as const;
type XandrErrorCode = (typeof XANDR_ERROR_CODES)[number];

/**
 * Every error the client raises, in one place. Each carries a stable `code`, the facts a person or a
 * program needs (HTTP status, Xandr's error_id and error_code, service, method, object) and the
 * underlying `cause`; none ever carries a credential or a token (texts from the API are scrubbed by the
 * session before they get here).
 */

interface XandrErrorFacts {
  status?: number;
  errorId?: string;
  errorCode?: string;
  /** The Xandr service, e.g. `segment`, `line-item`. */
  service?: string;
  method?: string;
  /** What the call was about, e.g. `segment code=retargeting-segment` or `line-item 205`. */
  object?: string;
  cause?: unknown;
}

export abstract class XandrError extends ProductError<XandrErrorCode> {
  readonly status?: number;
  readonly errorId?: string;
  readonly errorCode?: string;
  readonly service?: string;
  readonly method?: string;
  readonly object?: string;

  constructor(message: string, facts: XandrErrorFacts = {}) {
    super(message, { cause: facts.cause });
    this.status = facts.status;
    this.errorId = facts.errorId;
    this.errorCode = facts.errorCode;
    this.service = facts.service;
    this.method = facts.method;
    this.object = facts.object;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      status: this.status,
      error_id: this.errorId,
      error_code: this.errorCode,
      service: this.service,
      method: this.method,
      object: this.object,
    };
  }
}

/** Xandr answered, and the answer is an error (any dialect: HTTP >= 400 or an error_id with HTTP 200). */
export class XandrApiError extends XandrError {
  readonly code = 'XANDR_API';
  /** Xandr reports "not found" as SYNTAX; this flag saves callers from parsing texts. */
  readonly notFound: boolean;
  constructor(message: string, facts: XandrErrorFacts & { notFound?: boolean }) {
    super(message, facts);
    this.notFound = facts.notFound ?? false;
  }
}

/** Login refused, or a token refused twice in a row. */
export class XandrAuthError extends XandrError {
  readonly code = 'XANDR_AUTH';
}

/** Still throttled (429 / RATE_EXCEEDED / CONCURRENCY_EXCEEDED) when the retry time ran out. */
export class XandrRateLimitError extends XandrError {
  readonly code = 'XANDR_RATE_LIMIT';
}

/** The connection failed (refused, reset, timed out) and retries did not help. */
export class XandrNetworkError extends XandrError {
  readonly code = 'XANDR_NETWORK';
}

/** Xandr answered something that is not a Xandr response (not JSON, no envelope, an object without id). */
export class XandrResponseError extends XandrError {
  readonly code = 'XANDR_BAD_RESPONSE';
}

/** The configured endpoint is not allowed (plain http to a remote host, credentials in the URL, a redirect). */
export class XandrEndpointError extends XandrError {
  readonly code = 'XANDR_ENDPOINT';
}

/** The run was cancelled (SIGINT/SIGTERM) while a call was waiting. */
export class XandrAbortedError extends XandrError {
  readonly code = 'XANDR_ABORTED';
}
