/**
 * Xandr's response envelopes. Success bodies carry `status: "OK"`; error bodies carry no `status` key at all,
 * as in the recorded real traffic (xandr-api.md B5), but do carry paging fields and `dbg_info`.
 */
import type { ApiError } from './api-error.js';
import type { Dialect, JsonObject } from './types.js';

export const API_VERSION = '1.18.sandbox';

export function dbgInfo(outputTerm: string): JsonObject {
  return { instance: 'xandr-sync-sandbox', version: API_VERSION, output_term: outputTerm, warnings: [] };
}

/** `{"response": {"status": "OK", ...payload, "dbg_info": {...}}}` */
export function okEnvelope(payload: JsonObject, outputTerm: string): JsonObject {
  return { response: { status: 'OK', ...payload, dbg_info: dbgInfo(outputTerm) } };
}

export function errorEnvelope(error: ApiError, service: string | null, method: string | null): JsonObject {
  return {
    response: {
      error_id: error.errorId,
      error: error.message,
      error_description: error.extra.description ?? null,
      error_code: error.errorCode,
      service,
      method,
      count: 0,
      start_element: 0,
      num_elements: 100,
      dbg_info: dbgInfo('not_found'),
    },
  };
}

const MODERN_STATUS: Record<ApiError['kind'], number> = {
  NOAUTH: 401,
  UNAUTH: 403,
  SYNTAX: 400,
  NOTFOUND: 404,
  INTEGRITY: 400,
  LIMIT: 400,
  SYSTEM: 500,
  RATE: 429,
  // Xandr's best-practices page: going over 15 concurrent requests answers HTTP 200 with an error payload.
  CONCURRENCY: 200,
  INJECTED: 503,
};

/**
 * The HTTP status for an error. `legacy` sends every error with 200, as the 2017 recordings show (injected
 * `error` faults included), except throttling: Xandr documents throttling as a 429, so a 429 stays a 429.
 * In `modern`, an injected `error` fault uses the status its rule asked for.
 */
export function httpStatusFor(error: ApiError, dialect: Dialect): number {
  if (error.kind === 'RATE') return 429;
  if (dialect === 'legacy') return 200;
  return error.extra.status ?? MODERN_STATUS[error.kind];
}
