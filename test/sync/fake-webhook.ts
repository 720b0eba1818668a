import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeWebhook {
  url: string;
  /** Parsed JSON bodies, in arrival order. */
  posts: any[];
  /** Raw bodies, to look for secrets. */
  raw: string[];
  /** The status the next posts get (default 200). */
  status: number;
  close(): Promise<void>;
}

/** A Slack-like incoming-webhook receiver on 127.0.0.1, port 0. */
export async function startFakeWebhook(): Promise<FakeWebhook> {
  const hook: FakeWebhook = { url: '', posts: [], raw: [], status: 200, close: async () => undefined };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      hook.raw.push(body);
      try {
        hook.posts.push(JSON.parse(body));
      } catch {
        hook.posts.push({ unparsable: body });
      }
      res.writeHead(hook.status, { 'content-type': 'text/plain' });
      res.end(hook.status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/secretpath123`;
  hook.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return hook;
}
