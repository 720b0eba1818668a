/**
 * `/__sandbox/`: the JSON control endpoint. No auth, never rate-limited, logged, delayed or faulted.
 * Bad input answers 400 `{"error": "..."}`.
 */
import type { ServerResponse } from 'node:http';
import type { SandboxCore } from './core.js';
import type { FaultRule, SandboxConfigPatch, SandboxObjects, SandboxState } from './types.js';

export const CONTROL_PREFIX = '/__sandbox/';

type Route = (core: SandboxCore, body: unknown, query: URLSearchParams) => unknown;

const ROUTES: Record<string, Partial<Record<string, Route>>> = {
  log: {
    GET: (core, _body, query) => ({ requests: core.log(Number(query.get('since') ?? 0) || 0) }),
    DELETE: (core) => (core.clearLog(), { ok: true }),
  },
  reset: { POST: async (core) => (await core.reset(), { ok: true }) },
  config: {
    GET: (core) => core.config(),
    PUT: (core, body) => core.configure(body as SandboxConfigPatch),
  },
  faults: {
    GET: (core) => core.faults(),
    PUT: (core, body) => {
      const { rules, seed, ...rest } = (body ?? {}) as { rules?: FaultRule[]; seed?: number };
      const extra = Object.keys(rest);
      if (extra.length) throw new TypeError(`unknown key '${extra[0]}' (expected "rules" and optional "seed")`);
      return core.setFaults(rules ?? [], seed);
    },
  },
  'expire-tokens': { POST: (core) => ({ expired: core.expireTokens() }) },
  state: {
    GET: (core) => core.snapshot(),
    PUT: async (core, body) => (await core.load(body as SandboxState), { ok: true }),
  },
  objects: { POST: async (core, body) => ({ upserted: await core.upsert(body as SandboxObjects) }) },
  stats: { GET: (core) => core.stats() },
};

export async function handleControlRequest(core: SandboxCore, method: string, url: URL, text: string, res: ServerResponse): Promise<void> {
  const name = url.pathname.slice(CONTROL_PREFIX.length).replace(/\/+$/, '');
  const routes = ROUTES[name];
  if (!routes) return reply(res, 404, { error: `no control endpoint ${url.pathname}; see docs/sandbox.md` });
  const route = routes[method];
  if (!route) return reply(res, 405, { error: `${method} is not supported on ${url.pathname} (use ${Object.keys(routes).join(', ')})` });
  let body: unknown = null;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch (error) {
      return reply(res, 400, { error: `request body is not valid JSON: ${(error as Error).message}` });
    }
  }
  try {
    reply(res, 200, await route(core, body, url.searchParams));
  } catch (error) {
    if (error instanceof TypeError) return reply(res, 400, { error: error.message });
    throw error;
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
