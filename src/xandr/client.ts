import { setMaxListeners } from 'node:events';
import { RateBudget, type BudgetLimits, type CallClass } from './budget.js';
import { systemClock, type Clock } from '../core/clock.js';
import { parseEndpoint, type Endpoint } from './endpoint.js';
import { classify, type ErrorDetail, type Verdict, type XandrBody } from './envelope.js';
import {
  XandrAbortedError,
  XandrApiError,
  XandrAuthError,
  XandrEndpointError,
  XandrNetworkError,
  XandrRateLimitError,
  XandrResponseError,
  type XandrError,
} from './xandr-errors.js';
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import { inertInline } from '../core/inert.js';
import { Session, type TokenStore } from './session.js';
import { Transport, TransportError, type HttpResponse, type Method, type Query, type TransportOptions } from './transport.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface ClientOptions {
  apiUrl: string;
  /** Null when only a shared token was given (XANDR_TOKEN): then a refused token cannot be renewed. */
  credentials: Credentials | null;
  /** Tokens that outlive the run (a cache file, a token another job shared). */
  tokenStore?: TokenStore;
  /**
   * How long a login refused for Xandr's login limit (10 per 5 minutes per user) may wait for the window
   * to free a login before it fails. Default LOGIN_WAIT_MS.
   */
  loginWaitMs?: number;
  budget?: Partial<BudgetLimits>;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  /** Source of randomness for backoff jitter; tests pass a seeded one. */
  random?: () => number;
  transport?: TransportOptions;
  /** Observes every request, retry and login (metrics, progress). Never receives secrets. */
  onEvent?: (event: ClientEvent) => void;
  /** Called with the password and each token, so the CLI can redact them from anything it prints. */
  onSecret?: (secret: string) => void;
}

export type ClientEvent =
  | { type: 'request'; method: Method; service: string; status: number | null; outcome: Verdict['kind'] | 'network'; ms: number }
  | { type: 'retry'; method: Method; service: string; reason: string; delayMs: number }
  | { type: 'login' }
  /** Reads planned for a service (a listing's pages once its count is known, id batches): for progress. */
  | { type: 'expect'; service: string; reads: number }
  /** Nothing can be sent until `untilMs`: the rate budget's window, or Xandr's login limit. */
  | { type: 'wait'; reason: 'read budget' | 'write budget' | 'login limit'; untilMs: number };

/** Xandr counts logins per user over 5 minutes (authentication-service.md, "Authentication frequency"). */
const LOGIN_WINDOW_MS = 5 * 60_000;
/** Fresh logins one call may ask for when tokens that worked keep expiring under it. */
const MAX_RENEWALS_PER_CALL = 3;
/** One window and a margin: after that a refused login is not the limit's doing any more. */
export const LOGIN_WAIT_MS = LOGIN_WINDOW_MS + 60_000;

export interface CallSpec {
  method: Method;
  service: string;
  query?: Query;
  body?: unknown;
  /** What the call is about, for error messages: `segment code=retargeting-segment`, `line-item 205`. */
  object?: string;
  /**
   * POST only. When the outcome is unknown (the connection dropped after sending, or a 5xx), this looks
   * the object up (by its code). A body means it was created after all; null means it was not, and the
   * POST is sent again. Without it, an unknown outcome is an error: a POST is never repeated blindly.
   */
  recover?: () => Promise<XandrBody | null>;
  signal?: AbortSignal;
}

export interface ClientStats {
  reads: number;
  writes: number;
  logins: number;
  retries: number;
  throttled: number;
  recovered: number;
}

/**
 * The Xandr API client: auth, the rate budget, retries and error classification. Services
 * (segments.ts, pixels.ts, ...) describe calls; this runs them.
 */
export class XandrClient {
  readonly endpoint: Endpoint;
  readonly budget: RateBudget;
  readonly stats: ClientStats = { reads: 0, writes: 0, logins: 0, retries: 0, throttled: 0, recovered: 0 };
  private readonly transport: Transport;
  private readonly session: Session;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly retry: RetryPolicy;
  private readonly onEvent: (event: ClientEvent) => void;

  constructor(private readonly options: ClientOptions) {
    this.endpoint = parseEndpoint(options.apiUrl);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.retry = { ...DEFAULT_RETRY, ...definedOnly(options.retry ?? {}) };
    this.budget = new RateBudget(options.budget ?? {}, this.clock);
    this.transport = new Transport(this.endpoint, { maxConnections: this.budget.limits.maxInFlight + 1, ...options.transport });
    this.onEvent = options.onEvent ?? (() => undefined);
    this.session = new Session(() => this.login(), options.credentials, options.onSecret, options.tokenStore);
    this.budget.onWait = (cls, untilMs) => this.onEvent({ type: 'wait', reason: cls === 'read' ? 'read budget' : 'write budget', untilMs });
  }

  /** Logs in now (rather than on the first call), so that bad credentials fail before any planning work. */
  async connect(signal?: AbortSignal): Promise<void> {
    await this.session.current();
    if (signal?.aborted) throw new XandrAbortedError('cancelled');
  }

  /**
   * The token calls use, after checking that Xandr accepts it (one read of /member): for `xandr-sync login`,
   * which hands it to other CI jobs. Never printed.
   */
  async verifiedToken(signal?: AbortSignal): Promise<string> {
    await this.call({ method: 'GET', service: 'member', object: 'member', signal });
    return this.session.current();
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  async call(spec: CallSpec): Promise<XandrBody> {
    const cls: CallClass = spec.method === 'GET' ? 'read' : 'write';
    if (spec.signal) allowManyListeners(spec.signal);
    const started = this.clock.now();
    let failures = 0;
    let renewals = 0;
    let throttles = 0;
    let last: XandrError | null = null;
    // A POST whose outcome is unknown is looked up right before it would be sent again, after the backoff:
    // the later the lookup, the likelier a slow server has finished what it was doing.
    let unknownOutcome: XandrError | null = null;

    for (;;) {
      if (spec.signal?.aborted) throw new XandrAbortedError(`cancelled: ${spec.method} /${spec.service}`, this.facts(spec));
      if (unknownOutcome) {
        const found = await this.recoverPost(spec);
        if (found) return found;
        unknownOutcome = null;
      }
      const token = await this.session.current();
      const slot = await this.budget.acquire(cls, spec.signal);
      const sentAt = this.clock.now();
      let res: HttpResponse | null = null;
      let transportError: TransportError | null = null;
      try {
        // A write already on the wire is allowed to finish (cancelling it would leave its outcome
        // unknown); the signal stops reads and anything still waiting.
        const signal = spec.method === 'GET' ? spec.signal : undefined;
        res = await this.transport.send({ ...spec, headers: { authorization: token }, signal });
      } catch (error) {
        if (spec.method === 'GET' && spec.signal?.aborted) throw new XandrAbortedError(`cancelled: ${spec.method} /${spec.service}`, this.facts(spec));
        if (!(error instanceof TransportError)) throw error;
        transportError = error;
      } finally {
        slot.release();
      }
      this.stats[cls === 'read' ? 'reads' : 'writes']++;

      // Transport failure: nothing came back.
      if (!res) {
        const error = transportError!;
        this.onEvent({ type: 'request', method: spec.method, service: spec.service, status: null, outcome: 'network', ms: this.clock.now() - sentAt });
        last = new XandrNetworkError(`${this.describe(spec)}: connection failed (${this.session.scrub(error.message)})`, {
          ...this.facts(spec),
          cause: error.cause,
        });
        if (spec.method === 'POST' && error.sent === 'maybe') unknownOutcome = this.unknown(spec, last);
        failures++;
        const found = await this.backoffOrLastLookup(spec, last, failures, started, inertInline(this.session.scrub(error.message)), unknownOutcome);
        if (found) return found;
        continue;
      }

      const verdict = classify(res, this.clock.now());
      this.onEvent({ type: 'request', method: spec.method, service: spec.service, status: res.status, outcome: verdict.kind, ms: this.clock.now() - sentAt });
      switch (verdict.kind) {
        case 'ok':
          this.session.used(token);
          return verdict.body;
        case 'noauth': {
          // Refused again after a fresh login. Fatal when two tokens in a row were refused without one call
          // succeeding (the user may not use this API); otherwise tokens are expiring under a long run, and
          // a few more logins are allowed, single-flight, as the login limit permits.
          const hopeless = this.session.refused(token);
          if (renewals > 0 && (hopeless || renewals >= MAX_RENEWALS_PER_CALL)) {
            throw new XandrAuthError(
              `${this.describe(spec)}: Xandr refused the token twice in a row, even after a fresh login (${this.text(verdict.detail)}); check that the user may use this API`,
              this.facts(spec, verdict.detail),
            );
          }
          renewals++;
          await this.session.renew(token);
          continue;
        }
        case 'throttled': {
          this.stats.throttled++;
          last = new XandrRateLimitError(`${this.describe(spec)}: throttled by Xandr (${this.text(verdict.detail)})`, this.facts(spec, verdict.detail));
          // At least Retry-After; without one (a proxy's bare 429), back off further each time.
          throttles++;
          const wait = Math.max(verdict.retryAfterMs ?? 0, backoffDelay(this.retry, throttles, this.random));
          this.budget.block(cls === 'read' ? 'read' : 'write', this.clock.now() + (verdict.retryAfterMs ?? wait));
          await this.sleepOrGiveUp(spec, last, wait, started, 'throttled (429)');
          continue;
        }
        case 'busy': {
          this.stats.throttled++;
          last = new XandrRateLimitError(`${this.describe(spec)}: too many concurrent requests (${this.text(verdict.detail)})`, this.facts(spec, verdict.detail));
          await this.sleepOrGiveUp(spec, last, backoffDelay(this.retry, 2, this.random), started, 'concurrency limit');
          continue;
        }
        case 'transient':
        case 'bad-response': {
          last =
            verdict.kind === 'transient'
              ? new XandrApiError(`${this.describe(spec)}: Xandr server error (${this.text(verdict.detail)})`, { ...this.facts(spec, verdict.detail) })
              : new XandrResponseError(`${this.describe(spec)}: ${this.text(verdict.detail)}`, this.facts(spec, verdict.detail));
          if (spec.method === 'POST') unknownOutcome = this.unknown(spec, last);
          failures++;
          const found = await this.backoffOrLastLookup(spec, last, failures, started, verdict.kind === 'transient' ? `HTTP ${res.status}` : 'unreadable response', unknownOutcome);
          if (found) return found;
          continue;
        }
        case 'redirect':
          throw new XandrEndpointError(
            `${this.describe(spec)}: the API answered with a redirect (HTTP ${res.status}${verdict.location ? ` to ${originOf(verdict.location)}` : ''}); redirects are never followed, so that credentials only go to the configured API URL`,
            this.facts(spec, verdict.detail),
          );
        case 'failed':
          throw new XandrApiError(`${this.describe(spec)}: ${this.text(verdict.detail)}`, {
            ...this.facts(spec, verdict.detail),
            notFound: verdict.detail.notFound,
          });
      }
    }
  }

  /** A POST's outcome became unknown: without a way to look the object up, it is never sent again. */
  private unknown(spec: CallSpec, cause: XandrError): XandrError {
    if (!spec.recover) {
      throw new XandrNetworkError(
        `${this.describe(spec)}: the outcome is unknown and the object cannot be looked up, so the request is not repeated (${cause.message})`,
        { ...this.facts(spec), cause },
      );
    }
    return cause;
  }

  /** Looks for what a POST with an unknown outcome would have created (`unknown()` made sure it can). */
  private async recoverPost(spec: CallSpec): Promise<XandrBody | null> {
    const found = await spec.recover!();
    if (found) this.stats.recovered++;
    return found;
  }

  /**
   * Waits before the next attempt; when the attempts are used up, a POST with an unknown outcome gets one
   * last lookup (it may have been created after all) before the error is final.
   */
  private async backoffOrLastLookup(
    spec: CallSpec,
    error: XandrError,
    failures: number,
    started: number,
    reason: string,
    unknownOutcome: XandrError | null,
  ): Promise<XandrBody | null> {
    if (failures >= this.retry.maxAttempts) {
      if (unknownOutcome) {
        const found = await this.recoverPost(spec);
        if (found) return found;
      }
      throw error;
    }
    await this.sleepOrGiveUp(spec, error, backoffDelay(this.retry, failures, this.random), started, reason);
    return null;
  }

  private async sleepOrGiveUp(spec: CallSpec, error: XandrError, delayMs: number, started: number, reason: string): Promise<void> {
    if (this.clock.now() + delayMs - started > this.retry.maxElapsedMs) throw error;
    this.stats.retries++;
    this.onEvent({ type: 'retry', method: spec.method, service: spec.service, reason, delayMs });
    try {
      await this.clock.sleep(delayMs, spec.signal);
    } catch {
      throw new XandrAbortedError(`cancelled: ${spec.method} /${spec.service}`, this.facts(spec));
    }
  }

  /** Planned reads, for progress (see the `expect` event). */
  expect(service: string, reads: number): void {
    if (reads > 0) this.onEvent({ type: 'expect', service, reads });
  }

  private async login(): Promise<string> {
    if (!this.options.credentials) {
      throw new XandrAuthError('the shared token (XANDR_TOKEN or XANDR_TOKEN_FILE) was refused by Xandr, and no credentials are set to log in again (XANDR_USERNAME and XANDR_PASSWORD)', {
        service: 'auth',
        method: 'POST',
      });
    }
    const { username, password } = this.options.credentials;
    const spec: CallSpec = { method: 'POST', service: 'auth', object: 'login' };
    const waitBound = this.clock.now() + (this.options.loginWaitMs ?? LOGIN_WAIT_MS);
    for (let failures = 1; ; failures++) {
      const slot = await this.budget.acquire('auth');
      const sentAt = this.clock.now();
      let res: HttpResponse;
      try {
        res = await this.transport.send({ method: 'POST', service: 'auth', body: { auth: { username, password } } });
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        this.onEvent({ type: 'request', method: 'POST', service: 'auth', status: null, outcome: 'network', ms: this.clock.now() - sentAt });
        const failure = new XandrNetworkError(`login: connection to ${this.endpoint.origin} failed (${this.session.scrub(error.message)})`, { service: 'auth', method: 'POST', cause: error.cause });
        if (failures >= this.retry.maxAttempts) throw failure;
        await this.sleepOrGiveUp(spec, failure, backoffDelay(this.retry, failures, this.random), this.clock.now(), 'network error');
        continue;
      } finally {
        slot.release();
      }
      const verdict = classify(res, this.clock.now());
      // Failed logins are requests too: the metrics count them by status like any other.
      this.onEvent({ type: 'request', method: 'POST', service: 'auth', status: res.status, outcome: verdict.kind, ms: this.clock.now() - sentAt });
      if ((verdict.kind === 'failed' || verdict.kind === 'bad-response' || verdict.kind === 'noauth') && verdict.detail.notEnvelope) {
        throw new XandrEndpointError(
          `login: ${this.endpoint.origin}${this.endpoint.basePath} does not look like Xandr's API: POST /auth answered HTTP ${res.status} with something that is not a Xandr response; check --api-url or XANDR_API_URL`,
          { service: 'auth', method: 'POST', status: res.status },
        );
      }
      if (verdict.kind === 'ok') {
        const token = verdict.body.token;
        if (typeof token !== 'string' || token === '') throw new XandrResponseError('login: Xandr answered OK but sent no token', { service: 'auth', method: 'POST' });
        this.stats.logins++;
        this.onEvent({ type: 'login' });
        return token;
      }
      if (verdict.kind === 'transient' || verdict.kind === 'busy' || verdict.kind === 'throttled') {
        const failure = new XandrApiError(`login: ${this.text(verdict.detail)}`, { service: 'auth', method: 'POST', status: verdict.detail.status, errorId: verdict.detail.errorId });
        if (failures >= this.retry.maxAttempts) throw failure;
        const wait = verdict.kind === 'throttled' ? (verdict.retryAfterMs ?? 1000) : backoffDelay(this.retry, failures, this.random);
        await this.sleepOrGiveUp(spec, failure, wait, this.clock.now(), verdict.kind);
        continue;
      }
      if (verdict.kind === 'redirect') {
        throw new XandrEndpointError(`login: the API answered with a redirect (HTTP ${res.status}); redirects are never followed`, { service: 'auth', method: 'POST', status: res.status });
      }
      if (isLoginLimit(verdict.detail)) {
        // Xandr refuses logins past 10 per 5 minutes: the window frees one within 5 minutes, so wait for it
        // (saying so) rather than fail a run, up to the bound; then the refusal stands.
        const until = Math.min(this.clock.now() + LOGIN_WINDOW_MS, waitBound);
        if (until > this.clock.now()) {
          this.onEvent({ type: 'wait', reason: 'login limit', untilMs: until });
          try {
            await this.clock.sleep(until - this.clock.now());
          } catch {
            throw new XandrAbortedError('cancelled while waiting for the login limit', { service: 'auth', method: 'POST' });
          }
          continue;
        }
        throw new XandrAuthError(
          `login refused: Xandr's login limit (10 per 5 minutes for this user, shared with everyone using it) is still reached after waiting ${Math.round((this.options.loginWaitMs ?? LOGIN_WAIT_MS) / 60_000)} min (${this.text(verdict.detail)}); reuse a token (the token cache, or XANDR_TOKEN) instead of logging in per run`,
          { service: 'auth', method: 'POST', status: verdict.detail.status, errorId: verdict.detail.errorId },
        );
      }
      // The username is part of the credentials: name the variable, not its value.
      throw new XandrAuthError(`login refused by Xandr for the user in XANDR_USERNAME: ${this.text(verdict.detail)}`, {
        service: 'auth',
        method: 'POST',
        status: verdict.detail.status,
        errorId: verdict.detail.errorId,
        errorCode: verdict.detail.errorCode,
      });
    }
  }

  private describe(spec: CallSpec): string {
    return `${spec.method} /${spec.service}${spec.object ? ` (${spec.object})` : ''}`;
  }

  /**
   * Xandr's words for a failure, safe to print: scrubbed of every credential first, then squeezed to one
   * line, made inert and cut (in that order: a secret cut in half, or with its spaces collapsed, is no longer
   * found).
   */
  private text(detail: ErrorDetail): string {
    const id = [detail.errorId, detail.errorCode].filter(Boolean).join('/');
    const text = clip(inertInline(this.session.scrub(detail.text || 'no error text').replace(/\s+/g, ' ').trim()) || '(empty body)', MAX_ERROR_TEXT);
    return `${id ? `${inertInline(id)}: ` : ''}${text} [HTTP ${detail.status}]`;
  }

  private facts(spec: CallSpec, detail?: ErrorDetail) {
    return {
      service: spec.service,
      method: spec.method,
      object: spec.object,
      status: detail?.status,
      errorId: detail?.errorId,
      errorCode: detail?.errorCode,
    };
  }
}

/** Xandr's answer to an 11th login in 5 minutes: NOAUTH with a text that says so (the error has no own code). */
function isLoginLimit(detail: ErrorDetail): boolean {
  return /authentication limit|login limit|too many (logins|authentications)/i.test(detail.text);
}

/** An error body (an HTML page from a proxy, say) is shown this far. */
const MAX_ERROR_TEXT = 300;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

const widened = new WeakSet<AbortSignal>();

/**
 * Each request in flight (up to 15) and each call waiting for the budget (hundreds, in a large plan)
 * listens on the caller's signal while it lasts; without this, Node prints a MaxListenersExceededWarning
 * ("possible memory leak") on stderr in the middle of every large plan.
 */
function allowManyListeners(signal: AbortSignal): void {
  if (widened.has(signal)) return;
  widened.add(signal);
  setMaxListeners(0, signal);
}

function originOf(location: string): string {
  try {
    return new URL(location).origin;
  } catch {
    return 'another location';
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
