import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { prometheusContentType } from 'prom-client';
import type { Clock } from '../core/clock.js';
import { isLoopbackHost } from '../core/url-policy.js';
import { AUTH_CHALLENGES, authorized } from '../dashboard/dashboard-auth.js';
import { Dashboard, DASHBOARD_CSP } from '../dashboard/dashboard.js';
import type { DashboardSources } from '../dashboard/types.js';
import type { SyncJob } from './job.js';
import { ListenError } from './sync-errors.js';

interface StatusSources {
  /** The Prometheus exposition (SyncMetrics.render). */
  metrics(): string | Promise<string>;
  /** Ready when the last fetch and the last login worked. */
  readiness(): { ready: boolean; reason: string };
  /** The dashboard's data; without it only the three endpoints above are served. */
  dashboard?: DashboardSources;
  /**
   * The secret the dashboard asks for (`--dashboard-token-file`). Required for a dashboard on a
   * non-loopback address; when given, asked for on loopback too.
   */
  dashboardToken?: string | null;
}

interface ListenAddress {
  host: string;
  port: number;
}

export interface StatusServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * `HOST:PORT` or `[IPv6]:PORT`. The host is an IP address or `localhost`, never a name to resolve. Any
 * address may be given (a container needs `0.0.0.0` to be scraped); the default stays on loopback, and a
 * dashboard on any other address needs a token.
 */
export function parseListenAddress(text: string): ListenAddress & { loopback: boolean } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!match) throw new ListenError(`--listen must be HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464 (got '${text}')`);
  const host = (match[1] ?? match[2])!;
  const port = Number(match[3]);
  if (port > 65535) throw new ListenError(`--listen: port ${port} is out of range`);
  if (host !== 'localhost' && isIP(host) === 0) throw new ListenError(`--listen: '${host}' is not an IP address (or localhost)`);
  return { host, port, loopback: isLoopbackHost(host) };
}

/**
 * The dashboard's sources for a job: its view and its read tally, plus what the job does not know itself,
 * the schedule's next tick (node-cron) and the connection's read budget.
 */
export function jobDashboardSources(
  job: Pick<SyncJob, 'view' | 'metrics'>,
  options: { clock: Pick<Clock, 'now'>; schedule: () => { expression: string; next: Date | null } | null; readsPerMinute: () => number | null },
): DashboardSources {
  return {
    view: () => job.view(),
    schedule: options.schedule,
    readsPerMinute: options.readsPerMinute,
    readsSince: (ms) => job.metrics.readsSince(ms),
    now: () => options.clock.now(),
  };
}

/** Headers on every answer: nothing here is to be framed, sniffed, cached or given a referrer. */
const SECURITY_HEADERS = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

/**
 * The job's health, metrics and dashboard over HTTP: `/healthz` (the process is alive), `/readyz` (200 once
 * the last fetch and login worked, 503 with the reason otherwise), `/metrics` (Prometheus text format), and
 * every other path to the dashboard (docs/sync.md). GET and HEAD only; no request body is ever read.
 * `/healthz`, `/readyz` and `/metrics` stay open for probes and scrapers: they carry counters only.
 */
export async function startStatusServer(address: ListenAddress, sources: StatusSources): Promise<StatusServer> {
  const token = sources.dashboardToken ?? null;
  if (sources.dashboard && !token && !isLoopbackHost(address.host)) {
    throw new ListenError(`the dashboard on ${address.host} (not a loopback address) needs --dashboard-token-file; or keep it on 127.0.0.1 behind a reverse proxy`);
  }
  const dashboard = sources.dashboard ? new Dashboard(sources.dashboard) : null;
  const server = createServer((req, res) => {
    handle(req, res, sources, dashboard, token).catch((error: unknown) => {
      // A page that throws is a bug; the job must go on, and the reader gets a plain 500.
      if (!res.headersSent) send(res, 500, `internal error (a bug in xandr-sync; please report it): ${error instanceof Error ? error.message : String(error)}\n`, {}, req.method);
      else res.destroy();
    });
  });
  // A scraper that stalls must not hold a socket for long.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    throw new ListenError(`cannot listen on ${address.host}:${address.port}: ${error.code ?? error.message}`);
  });
  const port = (server.address() as AddressInfo).port;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, sources: StatusSources, dashboard: Dashboard | null, token: string | null): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://status.invalid');
  const path = url.pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' }, req.method);
    return;
  }
  if (path === '/healthz') return send(res, 200, 'ok\n', {}, req.method);
  if (path === '/readyz') {
    const { ready, reason } = sources.readiness();
    return send(res, ready ? 200 : 503, `${ready ? 'ready' : 'not ready'}: ${reason}\n`, {}, req.method);
  }
  if (path === '/metrics') return send(res, 200, await sources.metrics(), { 'content-type': prometheusContentType }, req.method);
  if (!dashboard) return send(res, 404, 'not found: try /healthz, /readyz or /metrics\n', {}, req.method);

  if (token) {
    if (!authorized(req.headers.authorization, token)) {
      return send(res, 401, 'the dashboard needs its token: Authorization: Bearer <token>, or the token as the password\n', { 'www-authenticate': AUTH_CHALLENGES }, req.method);
    }
  } else if (!loopbackHostHeader(req.headers.host)) {
    // Without a token the dashboard relies on being reachable from this machine only; a page elsewhere
    // could still reach it through DNS rebinding (a name of theirs that resolves to 127.0.0.1), which
    // the Host header gives away.
    return send(res, 421, 'the dashboard answers requests for 127.0.0.1, [::1] or localhost only (or configure --dashboard-token-file)\n', {}, req.method);
  }
  const page = dashboard.respond(path, url.searchParams);
  send(res, page.status, page.body, { 'content-type': page.type, 'server-timing': page.timing }, req.method);
}

/** The Host header names this machine: `127.0.0.1:9464`, `[::1]:8080`, `localhost:9464` (kubectl port-forward keeps it). */
function loopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const name = /^\[([^\]]+)\](?::\d+)?$/.exec(host)?.[1] ?? host.replace(/:\d+$/, '');
  return isLoopbackHost(name);
}

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string | string[]>, method?: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(method === 'HEAD' ? undefined : body);
}
