/**
 * An error answer of the emulated API. Services throw it; the server turns it into Xandr's error envelope
 * and picks the HTTP status for the active dialect.
 */

/** What went wrong, finer than Xandr's error_id (which folds not-found, throttling and concurrency away). */
export type ErrorKind =
  | 'NOAUTH'
  | 'UNAUTH'
  | 'SYNTAX'
  | 'NOTFOUND'
  | 'INTEGRITY'
  | 'LIMIT'
  | 'SYSTEM'
  | 'RATE'
  | 'CONCURRENCY'
  | 'INJECTED';

export type ErrorId = 'NOAUTH' | 'UNAUTH' | 'SYNTAX' | 'INTEGRITY' | 'LIMIT' | 'SYSTEM';

const ERROR_ID: Record<ErrorKind, ErrorId> = {
  NOAUTH: 'NOAUTH',
  UNAUTH: 'UNAUTH',
  SYNTAX: 'SYNTAX',
  // Xandr has no NOTFOUND error_id: a missing object is SYNTAX with a NOTFOUND_<SERVICE> code (xandr-api.md B5).
  NOTFOUND: 'SYNTAX',
  INTEGRITY: 'INTEGRITY',
  LIMIT: 'LIMIT',
  SYSTEM: 'SYSTEM',
  RATE: 'SYSTEM',
  CONCURRENCY: 'SYSTEM',
  INJECTED: 'SYSTEM',
};

export interface ApiErrorExtra {
  /** Seconds, for the Retry-After header of a 429. */
  retryAfter?: number;
  /** The HTTP status an injected `error` fault asked for (modern dialect only). */
  status?: number;
  description?: string;
}

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly errorCode: string | null = null,
    readonly extra: ApiErrorExtra = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get errorId(): ErrorId {
    return ERROR_ID[this.kind];
  }

  static syntax(message: string, code: string | null = null): ApiError {
    return new ApiError('SYNTAX', message, code);
  }

  /** `service` is the URL name ("line-item"); the code is NOTFOUND_LINE_ITEM. */
  static notFound(service: string, message = 'resource not found'): ApiError {
    return new ApiError('NOTFOUND', message, `NOTFOUND_${service.replace(/-/g, '_').toUpperCase()}`);
  }

  static integrity(message: string): ApiError {
    return new ApiError('INTEGRITY', message);
  }

  static limit(message: string): ApiError {
    return new ApiError('LIMIT', message);
  }

  static noauth(message: string): ApiError {
    return new ApiError('NOAUTH', message);
  }

  static unauth(message: string): ApiError {
    return new ApiError('UNAUTH', message);
  }

  static system(message: string, code: string | null = null): ApiError {
    return new ApiError('SYSTEM', message, code);
  }
}
