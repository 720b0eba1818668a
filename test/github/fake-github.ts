import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of the few GitHub REST endpoints `plan --comment` uses, on loopback port 0: list an issue's comments
 * (paginated with a Link header, like GitHub), create one, edit one. It records every request, so tests can
 * check what was sent and to whom, and it can be told to fail.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
  raw: string;
}

export interface FakeComment {
  id: number;
  body: string;
  html_url: string;
}

export interface FakeGithubOptions {
  /** The token the fake accepts (401 for any other). */
  token: string;
  /** Comments per page when the request does not say (GitHub's default is 30). */
  pageSize?: number;
}

export interface FakeGithub {
  url: string;
  requests: RecordedRequest[];
  comments(issue: number): FakeComment[];
  /** Adds comments made by someone else. */
  seed(issue: number, bodies: string[]): void;
  /** Every request with this method (or any, with '*') answers `status` from now on; null to stop. */
  fail(fault: { method: string; status: number; location?: string } | null): void;
  /** Next-page links point at this origin instead of the fake's own (a hostile or broken API). */
  linkOrigin: string | null;
  close(): Promise<void>;
}

export async function startFakeGithub(options: FakeGithubOptions): Promise<FakeGithub> {
  const issues = new Map<number, FakeComment[]>();
  const requests: RecordedRequest[] = [];
  let nextId = 9000;
  let fault: { method: string; status: number; location?: string } | null = null;
  const fake: FakeGithub = {
    url: '',
    requests,
    comments: (issue) => [...(issues.get(issue) ?? [])],
    seed(issue, bodies) {
      const list = issues.get(issue) ?? [];
      for (const body of bodies) list.push({ id: nextId++, body, html_url: `https://github.invalid/o/r/pull/${issue}#issuecomment-${nextId}` });
      issues.set(issue, list);
    },
    fail(f) {
      fault = f;
    },
    linkOrigin: null,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', fake.url);
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization, body, raw });
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(data));
    };
    if (fault && (fault.method === '*' || fault.method === req.method)) {
      return send(fault.status, { message: fault.status >= 500 ? 'Server Error' : 'Moved' }, fault.location ? { location: fault.location } : {});
    }
    if (req.headers.authorization !== `Bearer ${options.token}`) return send(401, { message: 'Bad credentials' });

    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const edit = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list && req.method === 'GET') {
      const all = issues.get(Number(list[3])) ?? [];
      const perPage = Number(url.searchParams.get('per_page') ?? options.pageSize ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const items = all.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < all.length) {
        const next = new URL(url.href);
        next.searchParams.set('page', String(page + 1));
        const origin = fake.linkOrigin ?? fake.url;
        headers.link = `<${origin}${next.pathname}${next.search}>; rel="next", <${origin}${next.pathname}?page=1>; rel="first"`;
      }
      return send(200, items, headers);
    }
    if (list && req.method === 'POST') {
      const text = (body as { body?: unknown } | null)?.body;
      if (typeof text !== 'string') return send(422, { message: 'body is required' });
      if (text.length > 65_536) return send(422, { message: 'Body is too long (maximum is 65536 characters)' });
      const comment = { id: nextId++, body: text, html_url: `https://github.invalid/${list[1]}/${list[2]}/pull/${list[3]}#issuecomment-${nextId}` };
      issues.set(Number(list[3]), [...(issues.get(Number(list[3])) ?? []), comment]);
      return send(201, comment);
    }
    if (edit && req.method === 'PATCH') {
      const text = (body as { body?: unknown } | null)?.body;
      if (typeof text !== 'string') return send(422, { message: 'body is required' });
      for (const comments of issues.values()) {
        const comment = comments.find((c) => c.id === Number(edit[3]));
        if (comment) {
          comment.body = text;
          return send(200, comment);
        }
      }
      return send(404, { message: 'Not Found' });
    }
    return send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
