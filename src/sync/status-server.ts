import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { isLoopbackHost } from '../core/url-policy.js';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.js';
import { ListenError } from './sync-errors.js';

interface StatusSources {
  metrics(): string;
  /** Ready when the last fetch and the last login worked. */
  readiness(): { ready: boolean; reason: string };
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
 * address may be given: the endpoint is read-only and serves no secrets and no object names, and a
 * container needs `0.0.0.0` to be scraped. The default stays on loopback.
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
 * The job's health and metrics over HTTP: `/healthz` (the process is alive), `/readyz` (200 once the
 * last fetch and login worked, 503 with the reason otherwise), `/metrics` (Prometheus text format).
 * GET and HEAD only; no request body is ever read.
 */
export async function startStatusServer(address: ListenAddress, sources: StatusSources): Promise<StatusServer> {
  const server = createServer((req, res) => handle(req, res, sources));
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

function handle(req: IncomingMessage, res: ServerResponse, sources: StatusSources): void {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' }, req.method);
    return;
  }
  if (path === '/healthz') return send(res, 200, 'ok\n', {}, req.method);
  if (path === '/readyz') {
    const { ready, reason } = sources.readiness();
    return send(res, ready ? 200 : 503, `${ready ? 'ready' : 'not ready'}: ${reason}\n`, {}, req.method);
  }
  if (path === '/metrics') return send(res, 200, sources.metrics(), { 'content-type': PROMETHEUS_CONTENT_TYPE }, req.method);
  send(res, 404, 'not found: try /healthz, /readyz or /metrics\n', {}, req.method);
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>, method?: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(method === 'HEAD' ? undefined : body);
}
