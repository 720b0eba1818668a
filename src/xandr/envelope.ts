import type { HttpResponse } from './transport.js';

/** The content of Xandr's `{"response": {...}}` envelope. */
export type XandrBody = Record<string, unknown>;

/**
 * What a response means for the caller, decided by the body first and the HTTP status second
 * (xandr-api.md Part A.1): Xandr has answered errors with HTTP 200, so a status check alone is wrong.
 */
export type Verdict =
  | { kind: 'ok'; body: XandrBody }
  | { kind: 'noauth'; detail: ErrorDetail }
  | { kind: 'throttled'; retryAfterMs: number | null; detail: ErrorDetail }
  | { kind: 'busy'; detail: ErrorDetail }
  | { kind: 'transient'; detail: ErrorDetail }
  | { kind: 'redirect'; location: string | null; detail: ErrorDetail }
  | { kind: 'bad-response'; detail: ErrorDetail }
  | { kind: 'failed'; detail: ErrorDetail };

export interface ErrorDetail {
  status: number;
  errorId?: string;
  errorCode?: string;
  /** Xandr's `error` text (and `error_description` when it adds something), whole: not yet scrubbed, cut or reflowed. */
  text: string;
  notFound: boolean;
  /** The body is not Xandr's `{"response": ...}` envelope at all (an HTML page, another server). */
  notEnvelope?: boolean;
}

export function classify(res: HttpResponse, now: number): Verdict {
  const body = parseBody(res.text);
  const retryAfterMs = parseRetryAfter(header(res, 'retry-after'), now);
  if (body === null) {
    const detail: ErrorDetail = { status: res.status, text: res.text, notFound: res.status === 404, notEnvelope: true };
    if (res.status === 429 || res.status === 405) return { kind: 'throttled', retryAfterMs, detail };
    if (res.status === 401) return { kind: 'noauth', detail };
    if (res.status >= 300 && res.status < 400) return { kind: 'redirect', location: header(res, 'location'), detail };
    if (res.status >= 500) return { kind: 'transient', detail };
    if (res.status >= 400) return { kind: 'failed', detail };
    return { kind: 'bad-response', detail: { ...detail, text: `not a Xandr response envelope: ${detail.text}` } };
  }

  const errorId = stringField(body, 'error_id');
  const errorCode = stringField(body, 'error_code');
  const text = [stringField(body, 'error'), stringField(body, 'error_description')]
    .filter((s, i, all): s is string => !!s && all.indexOf(s) === i)
    .join(': ');
  const notFound =
    res.status === 404 || (errorCode?.startsWith('NOTFOUND') ?? false) || /\bnot found\b/i.test(stringField(body, 'error') ?? '');
  const detail: ErrorDetail = { status: res.status, errorId, errorCode, text, notFound };

  if (errorCode === 'RATE_EXCEEDED' || res.status === 429 || (res.status === 405 && errorId === undefined)) {
    return { kind: 'throttled', retryAfterMs, detail };
  }
  if (errorCode === 'CONCURRENCY_EXCEEDED') return { kind: 'busy', detail };
  if (errorId === 'NOAUTH' || (errorId === undefined && res.status === 401)) return { kind: 'noauth', detail };
  if (res.status >= 300 && res.status < 400) return { kind: 'redirect', location: header(res, 'location'), detail };
  if (errorId === 'SYSTEM' || (errorId === undefined && res.status >= 500)) return { kind: 'transient', detail };
  if (errorId !== undefined || res.status >= 400) return { kind: 'failed', detail };
  // Xandr's articles disagree: the authentication article's `GET /member` answers `{"members": [...]}` with
  // no status, while api-best-practices.md says a missing status is a failure. What they document is read:
  // a body that carries data and no error is a success; a status other than OK is not.
  if (body.status === 'OK' || ((body.status === undefined || body.status === null) && carriesData(body))) return { kind: 'ok', body };
  return { kind: 'failed', detail: { ...detail, text: `Xandr did not report success (status ${JSON.stringify(body.status ?? null)})` } };
}

/** Keys every envelope may carry besides its data. */
const ENVELOPE_KEYS = new Set(['status', 'count', 'start_element', 'num_elements', 'dbg_info', 'debug_info', 'dbg']);

function carriesData(body: XandrBody): boolean {
  return Object.entries(body).some(([key, value]) => !ENVELOPE_KEYS.has(key) && value !== null && value !== undefined);
}

function parseBody(text: string): XandrBody | null {
  if (!text) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(parsed) || !isRecord(parsed.response)) return null;
  return parsed.response;
}

/** Retry-After is seconds, or an HTTP date (RFC 9110 section 10.2.3). */
function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function header(res: HttpResponse, name: string): string | null {
  const value = res.headers[name];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

function stringField(body: XandrBody, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}



export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The objects in a response, whichever key carries them: `dbg_info.output_term` when it names a key
 * that is there, else the plural key, else the singular one. A single object becomes a one-element
 * list, and the bulk-PUT shape (an object keyed by id) becomes its values (xandr-api.md B.10 items 1, 10).
 */
export function extractObjects(body: XandrBody, singular: string, plural: string): unknown[] {
  const dbg = isRecord(body.dbg_info) ? body.dbg_info : undefined;
  const term = typeof dbg?.output_term === 'string' ? dbg.output_term : undefined;
  const keys = [term, plural, singular].filter((k): k is string => !!k && k in body);
  for (const key of keys) {
    const value = body[key];
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) return value;
    if (isRecord(value)) {
      const looksKeyedById = Object.keys(value).length > 0 && Object.keys(value).every((k) => /^\d+$/.test(k)) && Object.values(value).every(isRecord);
      return looksKeyedById && !('id' in value) ? Object.values(value) : [value];
    }
  }
  return [];
}
