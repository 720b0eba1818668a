/** The HTTP server: reads bodies, sends control requests and API requests their ways, and closes cleanly. */
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { handleApiRequest } from './api-handler.js';
import { CONTROL_PREFIX, handleControlRequest } from './control-http.js';
import type { SandboxCore } from './core.js';

/** Generous, but bounded, since `--host` can expose the sandbox. Control bodies carry bulk seeds. */
const MAX_API_BODY = 32 * 1024 * 1024;
const MAX_CONTROL_BODY = 512 * 1024 * 1024;

export interface RunningServer {
  server: Server;
  close(): Promise<void>;
}

export function createSandboxServer(core: SandboxCore): RunningServer {
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  // Every request sleeping on latency or a delay rule listens to it; hundreds at once are normal.
  setMaxListeners(0, closing.signal);

  const server = createServer((req, res) => {
    handle(core, req, res, closing.signal).catch((error: unknown) => {
      if (closing.signal.aborted) return;
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`internal sandbox error: ${(error as Error).message}\n`);
      } else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  return {
    server,
    async close() {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await core.flush();
    },
  };
}

async function handle(core: SandboxCore, req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const control = url.pathname.startsWith(CONTROL_PREFIX);
  const text = await readBody(req, control ? MAX_CONTROL_BODY : MAX_API_BODY);
  if (text === null) {
    res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end('request body too large\n');
    return;
  }
  try {
    if (control) await handleControlRequest(core, req.method ?? 'GET', url, text, res);
    else await handleApiRequest(core, req, res, url, text, signal);
  } catch (error) {
    // A latency or delay sleep cut short by close(): nobody is waiting for an answer any more.
    if (signal.aborted) return;
    throw error;
  }
}

/** The body as text, or null when it is larger than `limit`. */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
