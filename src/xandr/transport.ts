import { Agent, request } from 'undici';
import type { Endpoint } from './endpoint.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type Query = Record<string, string | number | boolean | null | undefined>;

interface HttpRequest {
  method: Method;
  /** The service path without the base, e.g. `segment`, `line-item`, `auth`. */
  service: string;
  query?: Query;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * A transport failure, with what matters for retrying: whether the request may have reached the server.
 * `sent: 'no'` (connection refused, DNS, connect timeout) is safe to repeat for any method; `'maybe'`
 * (reset, closed, response timeout) means a POST may have created something.
 */
export class TransportError extends Error {
  constructor(
    readonly sent: 'no' | 'maybe',
    override readonly cause: unknown,
  ) {
    super(describeCause(cause));
    this.name = 'TransportError';
  }
}

export interface TransportOptions {
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  maxConnections?: number;
  userAgent?: string;
}

/** Responses larger than this are refused: a page of 100 objects is a few hundred kB. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * HTTP to one origin, with keep-alive, no redirects (undici's request() never follows them; a 3xx is
 * handed back to the caller, which refuses it) and bounded timeouts.
 */
export class Transport {
  private readonly agent: Agent;
  private readonly userAgent: string;

  constructor(
    private readonly endpoint: Endpoint,
    options: TransportOptions = {},
  ) {
    this.agent = new Agent({
      connections: options.maxConnections ?? 16,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      // A page of 100 objects answers in well under a second; 30 s of silence is a stalled connection,
      // and the retry that follows is what gets the run moving again.
      headersTimeout: options.headersTimeoutMs ?? 30_000,
      bodyTimeout: options.bodyTimeoutMs ?? 30_000,
      keepAliveTimeout: 4_000,
    });
    this.userAgent = options.userAgent ?? 'xandr-sync';
  }

  url(service: string, query?: Query): string {
    return `${this.endpoint.origin}${this.endpoint.basePath}/${service}${encodeQuery(query)}`;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent, ...req.headers };
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    try {
      const res = await request(this.url(req.service, req.query), {
        method: req.method,
        headers,
        body: payload,
        dispatcher: this.agent,
        signal: req.signal,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES) {
          res.body.destroy();
          throw new TransportError('maybe', new Error(`response larger than ${MAX_BODY_BYTES} bytes`));
        }
        chunks.push(chunk as Buffer);
      }
      return { status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') };
    } catch (error) {
      if (error instanceof TransportError) throw error;
      if (req.signal?.aborted) throw error;
      const code = errorCode(error);
      throw new TransportError(code && NOT_SENT.has(code) ? 'no' : 'maybe', error);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/**
 * Xandr's id lists are comma-separated (`?id=1,2,3`); commas are left unescaped as in the docs, every
 * other reserved character is percent-encoded.
 */
export function encodeQuery(query?: Query): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value)).replace(/%2C/gi, ',')}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeCause(cause: unknown): string {
  const code = errorCode(cause);
  const message = cause instanceof Error ? cause.message : String(cause);
  return code ? `${code}: ${message}` : message;
}
