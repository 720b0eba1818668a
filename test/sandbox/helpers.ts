/**
 * A tiny HTTP client for the sandbox tests. It deliberately shares nothing with src/xandr/: these tests
 * check the emulator against the Xandr docs, not against our own client.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

export interface Reply {
  status: number;
  headers: Headers;
  /** The parsed JSON body (null when empty). */
  body: any;
}

export class Api {
  token: string | null = null;

  constructor(readonly url: string) {}

  async login(username = 'sandbox', password = 'sandbox'): Promise<Reply> {
    const reply = await this.call('POST', '/auth', { auth: { username, password } }, { token: null });
    if (reply.body?.response?.token) this.token = reply.body.response.token;
    return reply;
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    options: { token?: string | null; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<Reply> {
    const token = options.token === undefined ? this.token : options.token;
    const headers: Record<string, string> = { ...(token ? { authorization: token } : {}), ...options.headers };
    const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(this.url + path, { method, headers, body: payload });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }

  get = (path: string, options?: Parameters<Api['call']>[3]) => this.call('GET', path, undefined, options);
  post = (path: string, body: unknown, options?: Parameters<Api['call']>[3]) => this.call('POST', path, body, options);
  put = (path: string, body: unknown, options?: Parameters<Api['call']>[3]) => this.call('PUT', path, body, options);
  del = (path: string, options?: Parameters<Api['call']>[3]) => this.call('DELETE', path, undefined, options);
}

/**
 * Waits (real time, a millisecond at a time) until the sandbox has got as far as `check` says, e.g. until a
 * request is asleep on the fake clock. It never waits out a window or an expiry: those are clock moves.
 */
export async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/**
 * A suite with one sandbox for all its tests; before each test the sandbox is reset (fresh state, the
 * suite's start config) and `api` is logged in as sandbox/sandbox.
 */
export function sandboxSuite(name: string, options: SandboxOptions = {}) {
  const test = suite(name);
  let sandbox: Sandbox | null = null;
  let api: Api | null = null;
  test.before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 1, ...options });
  });
  test.after(async () => {
    await sandbox?.close();
  });
  test.before.each(async () => {
    await sandbox!.control.reset();
    api = new Api(sandbox!.url);
    const reply = await api.login();
    assert.is(reply.status, 200, 'login before the test');
  });
  return {
    test,
    get sb(): Sandbox {
      if (!sandbox) throw new Error('sandbox not started');
      return sandbox;
    },
    get api(): Api {
      if (!api) throw new Error('not logged in');
      return api;
    },
  };
}

/** Checks an error answer: status, Xandr's error_id (and code), and the error body shape. */
export function assertError(
  reply: Reply,
  expected: { status: number; errorId: string; errorCode?: string | null; message?: RegExp },
): void {
  const response = reply.body?.response;
  assert.ok(response, `an envelope, got ${JSON.stringify(reply.body)}`);
  assert.is(response.error_id, expected.errorId, `error_id of ${JSON.stringify(response)}`);
  assert.is(reply.status, expected.status, `HTTP status for ${response.error_id}: ${response.error}`);
  if (expected.errorCode !== undefined) assert.is(response.error_code, expected.errorCode);
  if (expected.message) assert.match(response.error, expected.message);
  assert.not.ok('status' in response, 'error bodies carry no status key');
  assert.is(response.dbg_info.output_term, 'not_found');
  assert.is(response.count, 0);
}

/** Checks a success answer and returns `response`. */
export function ok(reply: Reply, what = ''): any {
  assert.is(reply.status, 200, `${what ? `${what}: ` : ''}expected 200, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  assert.is(reply.body?.response?.status, 'OK', JSON.stringify(reply.body));
  return reply.body.response;
}
