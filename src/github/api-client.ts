import { Agent, request } from 'undici';
import { inertInline } from '../core/inert.js';
import { Secrets } from '../core/secrets.js';
import { checkServiceUrl, pinnedLookup } from '../core/url-policy.js';
import { GithubError } from './github-errors.js';

interface GithubClientOptions {
  /** GITHUB_API_URL: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server. */
  apiUrl: string;
  token: string;
  userAgent?: string;
}

interface GithubResponse<T> {
  status: number;
  data: T;
  /** The `rel="next"` page of a paginated list, already checked to be on the API's origin. */
  next: string | null;
}

/** A list of comments is a few hundred kB at most; anything far larger is not GitHub's REST API. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** 100 pages of 100: a pull request with more than 10,000 comments is not one we can scan. */
const MAX_PAGES = 100;

/**
 * GitHub's REST API for exactly one origin, GITHUB_API_URL's: the token is only ever sent there. https
 * anywhere, plain http only to this machine (tests run a fake API on loopback), redirects are never followed
 * (undici's request() hands a 3xx back, and it is refused), pagination links to another origin are refused.
 */
export class GithubClient {
  private readonly origin: string;
  private readonly base: string;
  private readonly agent: Agent;

  private readonly secrets = new Secrets();

  constructor(private readonly options: GithubClientOptions) {
    this.secrets.add(options.token);
    const url = parseApiUrl(options.apiUrl);
    this.origin = url.origin;
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    this.agent = new Agent({ connectTimeout: 10_000, headersTimeout: 30_000, bodyTimeout: 30_000, connect: { lookup: pinnedLookup } });
  }

  /** `path` is relative to the API base (`/repos/o/r/issues/1/comments`), or a `next` URL from a page. */
  async send<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<GithubResponse<T>> {
    const url = path.startsWith('/') ? `${this.base}${path}` : path;
    if (new URL(url).origin !== this.origin) {
      throw new GithubError(`refusing to send the GitHub token to ${new URL(url).origin}: only ${this.origin} (GITHUB_API_URL) gets it`);
    }
    const shown = `${method} ${new URL(url).pathname}`;
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const res = await request(url, {
        method,
        dispatcher: this.agent,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${this.options.token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': this.options.userAgent ?? 'xandr-sync',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      status = res.statusCode;
      headers = res.headers;
      text = await readBody(res.body);
    } catch (error) {
      if (error instanceof GithubError) throw error;
      throw new GithubError(`${shown} failed before GitHub answered: ${describe(error)}`, { cause: error });
    }
    if (status >= 300 && status < 400) {
      throw new GithubError(`${shown}: GitHub answered ${status} (a redirect to ${String(headers.location ?? 'nowhere')}); redirects are not followed, so that the token stays with GITHUB_API_URL`, { status });
    }
    if (status < 200 || status >= 300) {
      throw new GithubError(`${shown}: GitHub answered ${status}${this.githubMessage(text)}`, { status, hint: hintFor(status) });
    }
    let data: T;
    try {
      data = (text === '' ? null : JSON.parse(text)) as T;
    } catch {
      throw new GithubError(`${shown}: GitHub answered ${status} with a body that is not JSON`, { status });
    }
    return { status, data, next: this.nextPage(headers.link) };
  }

  /** Every item of a paginated list, following `Link: <...>; rel="next"`. */
  async list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | null = path;
    for (let page = 0; next !== null; page++) {
      if (page === MAX_PAGES) throw new GithubError(`GET ${path}: more than ${MAX_PAGES} pages; refusing to read further`);
      const res: GithubResponse<T[]> = await this.send<T[]>('GET', next);
      if (!Array.isArray(res.data)) throw new GithubError(`GET ${path}: GitHub answered ${res.status} with something that is not a list`);
      items.push(...res.data);
      next = res.next;
    }
    return items;
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  /**
   * GitHub explains an error in `message` (and a docs link); that is what a person needs to see. Scrubbed
   * of the token before it is cut: a token cut at the limit is no longer recognised further down.
   */
  private githubMessage(text: string): string {
    let message: unknown;
    try {
      message = (JSON.parse(text) as { message?: unknown }).message;
    } catch {
      return ''; // not JSON: an HTML error page from a proxy, say
    }
    if (typeof message !== 'string' || !message) return '';
    const safe = inertInline(this.secrets.scrub(message).replace(/\s+/g, ' ').trim());
    return `: ${safe.length > 500 ? `${safe.slice(0, 497)}...` : safe}`;
  }

  private nextPage(link: string | string[] | undefined): string | null {
    const header = Array.isArray(link) ? link.join(', ') : link;
    if (!header) return null;
    for (const part of header.split(',')) {
      const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
      if (!match || !match[2]!.split(/\s+/).includes('next')) continue;
      const next = new URL(match[1]!, this.base);
      if (next.origin !== this.origin) {
        throw new GithubError(`GitHub's next-page link points at ${next.origin}, not at ${this.origin} (GITHUB_API_URL); refusing to send the token there`);
      }
      return next.href;
    }
    return null;
  }
}

/** The one URL policy (core/url-policy.ts), as for the Xandr API URL. */
export function parseApiUrl(raw: string): URL {
  return checkServiceUrl(raw, { setting: 'GITHUB_API_URL', carries: 'the GitHub token', credentialsFrom: 'the token comes from GITHUB_TOKEN' }).url;
}

async function readBody(body: AsyncIterable<Buffer | Uint8Array> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      throw new GithubError(`GitHub's answer is larger than ${MAX_BODY_BYTES} bytes; refusing it`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function hintFor(status: number): string | undefined {
  if (status === 401) return 'the token was refused: check that GITHUB_TOKEN is set to ${{ github.token }} (or a valid token)';
  if (status === 403) return "the token may not comment: give the job 'permissions: pull-requests: write' (fork pull requests get a read-only token)";
  if (status === 404) return 'check GITHUB_REPOSITORY and the pull request number, and that the token can see the repository';
  if (status >= 500) return 'GitHub had a problem; run the job again';
  return undefined;
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}
