/**
 * One API request, in the order Xandr's front door would treat it: in-flight cap, latency, injected faults,
 * then `/auth` or (service, token, rate limit, service handler, state file), then the answer. Every step is
 * logged on the request's log entry.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type ErrorKind } from './api-error.js';
import { COOKIE_NAME, tokenOf } from './auth.js';
import { recordApiWrite } from './change-log-recorder.js';
import { parseBody, redactSecrets, type ParsedBody } from './body.js';
import type { SandboxCore } from './core.js';
import { loginBody, successBody } from './documented-shapes.js';
import { dbgInfo, errorEnvelope, httpStatusFor } from './response-envelope.js';
import { isObject } from './fields.js';
import { findService, handlerFor, normalizePath } from './router.js';
import type { Method } from './service-handler.js';
import type { FaultRule, JsonObject, RequestLogEntry } from './types.js';

interface Exchange {
  core: SandboxCore;
  req: IncomingMessage;
  res: ServerResponse;
  entry: RequestLogEntry;
  method: string;
  service: string | null;
  /** A `lose` fault: process fully, then drop the connection instead of answering. */
  lose: boolean;
  /** Ends the in-flight count of this request (idempotent). */
  leave: () => void;
}

export async function handleApiRequest(
  core: SandboxCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  text: string,
  signal: AbortSignal,
): Promise<void> {
  const method = req.method ?? 'GET';
  const path = normalizePath(url.pathname);
  const query = Object.fromEntries(url.searchParams);
  const parsed = parseBody(text);
  const entry = core.requests.start({
    at: core.clock.now(),
    method,
    path,
    query: redactSecrets(query) as Record<string, string>,
    body: parsed.ok ? redactSecrets(parsed.value) : null,
  });
  const x: Exchange = { core, req, res, entry, method, service: null, lose: false, leave: () => undefined };
  const token = tokenOf(req.headers);

  // In flight from arrival to the end of the response, for users with a valid token.
  const holder = path === '/auth' ? null : core.auth.peek(token, core.clock.now(), core.tokenTimes());
  if (holder) {
    const inFlight = core.limiter.enter(holder.username);
    let left = false;
    x.leave = () => {
      if (!left) core.limiter.leave(holder.username);
      left = true;
    };
    // A dropped connection ends it too.
    res.once('close', x.leave);
    if (inFlight > core.settings.limits.maxInFlight) {
      entry.user = holder.username;
      core.requests.fault(entry, 'concurrency');
      const limit = core.settings.limits.maxInFlight;
      return answerError(x, new ApiError('CONCURRENCY', `Too many concurrent requests: at most ${limit} requests may be in flight for this user`, 'CONCURRENCY_EXCEEDED'));
    }
  }

  const latency = core.settings.latency;
  if (latency) await core.clock.sleep(core.prng.between(latency.minMs, latency.maxMs), signal);

  const rule = core.faultRules.match(method, path);
  if (rule && (await injectFault(x, rule, signal))) return;

  try {
    if (path === '/auth') return login(x, parsed);
    const service = findService(path);
    x.service = service.name;
    const now = core.clock.now();
    const user = core.auth.authenticate(token, now, core.tokenTimes());
    entry.user = user.username;
    const kind = method === 'GET' ? 'read' : 'write';
    core.limiter.check(user.username, kind, now, core.settings.limits);
    const handler = handlerFor(service, method);
    core.limiter.record(user.username, kind, now);
    core.requests.count(kind === 'read' ? 'reads' : 'writes');
    entry.processed = true;
    if (!parsed.ok && (method === 'POST' || method === 'PUT')) throw ApiError.syntax(parsed.error);
    const result = handler({ method: method as Method, query, body: parsed.ok ? parsed.value : null, user, store: core.store, listings: core.listings, settings: core.settings, now });
    if (result.change) {
      recordApiWrite(core.store, result.change, {
        author: { user_id: user.userId, user_full_name: user.fullName, request_source: 'direct' },
        memberId: user.memberId,
        method: method as 'POST' | 'PUT' | 'DELETE',
        url: `http://${req.headers.host ?? 'sandbox.invalid'}${req.url ?? path}`,
        sessionId: token,
        ...peerOf(req),
        now,
      });
    }
    if (result.wrote) await persist(core);
    const body = successBody(core.settings.shapes, { method, service: service.name, query, result });
    answer(x, 200, body);
  } catch (error) {
    answerError(x, error instanceof ApiError ? error : ApiError.system(`internal sandbox error: ${(error as Error).message}`, 'UNKNOWN'));
  }
}

/** Returns true when the fault answered (or dropped) the request. */
async function injectFault(x: Exchange, rule: FaultRule, signal: AbortSignal): Promise<boolean> {
  const { core, entry } = x;
  switch (rule.action) {
    case 'reset':
      core.requests.fault(entry, 'reset');
      x.req.socket.destroy();
      return true;
    case 'error': {
      core.requests.fault(entry, 'error');
      const echoed = rule.echoToken ? ` (token ${tokenOf(x.req.headers) ?? 'none'})` : '';
      const refusal = rule.errorId && rule.errorId !== 'SYSTEM';
      const error = refusal
        ? new ApiError(rule.errorId as ErrorKind, `injected ${rule.errorId} refusal${echoed}`, null, rule.status !== undefined ? { status: rule.status } : {})
        : new ApiError('INJECTED', `Service Unavailable${echoed}`, 'SERVICE_UNAVAILABLE', { status: rule.status ?? 503 });
      answerError(x, error);
      return true;
    }
    case 'throttle': {
      core.requests.fault(entry, 'throttle');
      const { writes, reads, windowMs } = core.settings.limits;
      const limit = x.method === 'GET' ? reads : writes;
      answerError(
        x,
        new ApiError(
          'RATE',
          `You have exceeded your request limit of ${limit} per ${windowMs / 1000} seconds for this user, please wait and try again or contact AppNexus for higher limits`,
          'RATE_EXCEEDED',
          { retryAfter: rule.retryAfter ?? 1, status: 429, description: 'rate limit has been exceeded' },
        ),
      );
      return true;
    }
    case 'delay':
      core.requests.fault(entry, 'delay');
      await core.clock.sleep(rule.delayMs ?? 0, signal);
      return false;
    case 'lose':
      core.requests.fault(entry, 'lose');
      x.lose = true;
      return false;
  }
}

function login(x: Exchange, parsed: ParsedBody): void {
  x.service = 'auth';
  if (x.method !== 'POST') throw ApiError.syntax(`method ${x.method} is not supported by the auth service; POST {"auth": {"username", "password"}}`);
  if (!parsed.ok) throw ApiError.syntax(parsed.error);
  const auth = isObject(parsed.value) ? parsed.value.auth : undefined;
  if (!isObject(auth)) throw ApiError.syntax(`request body must be {"auth": {"username": "...", "password": "..."}}`);
  if (typeof auth.username === 'string') x.entry.user = auth.username;
  x.entry.processed = true;
  const { shapes } = x.core.settings;
  const now = x.core.clock.now();
  const { token } = x.core.auth.login(auth.username, auth.password, now, x.core.settings.limits, x.core.tokenTimes(), shapes === 'documented' ? 'authn' : 'hbapi');
  x.core.requests.count('logins');
  answer(
    x,
    200,
    loginBody(shapes, token, now, dbgInfo('token')),
    { 'set-cookie': `${COOKIE_NAME}=${encodeURIComponent(token)}; Path=/; HttpOnly` },
  );
}

/** The peer address and, behind proxies, the chain X-Forwarded-For names before it. */
function peerOf(req: IncomingMessage): { clientIp: string | null; ipInfo: string | null } {
  const peer = req.socket.remoteAddress ?? null;
  const forwarded = req.headers['x-forwarded-for'];
  const chain = Array.isArray(forwarded) ? forwarded.join(', ') : forwarded;
  return { clientIp: peer, ipInfo: chain ? `${chain}, ${peer ?? 'unknown'}` : peer };
}

async function persist(core: SandboxCore): Promise<void> {
  try {
    await core.persist();
  } catch (error) {
    // Not acknowledged: the client must not believe a write is safe that is not on disk.
    throw ApiError.system(`the sandbox could not write its state file: ${(error as Error).message}`, 'UNKNOWN');
  }
}

function answerError(x: Exchange, error: ApiError): void {
  const headers: Record<string, string> = {};
  if (error.extra.retryAfter !== undefined) headers['retry-after'] = String(error.extra.retryAfter);
  x.entry.error_id = error.errorId;
  if (error.errorCode) x.entry.error_code = error.errorCode;
  answer(x, httpStatusFor(error, x.core.settings.dialect), errorEnvelope(error, x.service, x.method), headers);
}

function answer(x: Exchange, status: number, body: JsonObject, headers: Record<string, string> = {}): void {
  if (x.lose) {
    x.req.socket.destroy();
    return;
  }
  if (x.res.destroyed || x.res.headersSent) return;
  const text = JSON.stringify(body);
  const { reads, writes } = x.core.settings.limits;
  x.res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-ratelimit-read': String(reads),
    'x-ratelimit-write': String(writes),
    ...headers,
  });
  x.res.end(text);
  // Counted out as soon as the answer is written: a client may send its next request before 'close' fires.
  x.leave();
  x.core.requests.sent(x.entry, status, x.entry.error_id, x.entry.error_code);
}
