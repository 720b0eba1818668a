import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { authorized } from '../../src/dashboard/dashboard-auth.js';
import type { DashboardSources } from '../../src/dashboard/types.js';
import { parseListenAddress, startStatusServer, type StatusServer } from '../../src/sync/status-server.js';

const test = suite('health and metrics endpoint');
let server: StatusServer;
let ready = false;

test.before(async () => {
  server = await startStatusServer(
    { host: '127.0.0.1', port: 0 },
    { metrics: () => '# HELP x_total x\n# TYPE x_total counter\nx_total 1\n', readiness: () => ({ ready, reason: ready ? 'fine' : 'the last fetch failed (cycle 2)' }) },
  );
});
test.after(() => server.close());

function call(method: string, path: string, headers: Record<string, string> = {}, base = server.url): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, agent: false, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('/healthz answers 200 while the process lives', async () => {
  const res = await call('GET', '/healthz');
  assert.is(res.status, 200);
  assert.is(res.body, 'ok\n');
});

test('/readyz is 503 with the reason until the last fetch and login work, then 200', async () => {
  ready = false;
  const down = await call('GET', '/readyz');
  assert.is(down.status, 503);
  assert.is(down.body, 'not ready: the last fetch failed (cycle 2)\n');
  ready = true;
  assert.is((await call('GET', '/readyz')).status, 200);
});

test('/metrics has the Prometheus content type; HEAD has headers and no body', async () => {
  const res = await call('GET', '/metrics?ignored=1');
  assert.is(res.status, 200);
  assert.is(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  assert.match(res.body, /^x_total 1$/m);
  const head = await call('HEAD', '/metrics');
  assert.is(head.status, 200);
  assert.is(head.body, '');
});

test('other paths are 404, other methods 405: nothing can be changed through the endpoint', async () => {
  assert.is((await call('GET', '/')).status, 404);
  assert.is((await call('GET', '/metrics/../admin')).status, 404);
  const post = await call('POST', '/metrics');
  assert.is(post.status, 405);
  assert.is(post.headers.allow, 'GET, HEAD');
  assert.is((await call('DELETE', '/healthz')).status, 405);
});

/** A job that has not finished a cycle yet: the dashboard's sources at start. */
const idle: DashboardSources = {
  view: () => ({ cycles: [], latest: null, readiness: { ready: false, reason: 'no cycle has finished yet' } }),
  schedule: () => ({ expression: '*/10 * * * *', next: new Date('2026-05-04T09:10:00Z') }),
  readsPerMinute: () => 100,
  readsSince: () => 0,
  now: () => Date.parse('2026-05-04T09:05:00Z'),
};

const TOKEN = 'correct-horse-battery-staple-42';

async function withServer<T>(options: { dashboardToken?: string | null }, body: (url: string) => Promise<T>): Promise<T> {
  const other = await startStatusServer({ host: '127.0.0.1', port: 0 }, { metrics: () => '# HELP x_total x\n# TYPE x_total counter\nx_total 1\n', readiness: () => ({ ready: true, reason: 'fine' }), dashboard: idle, ...options });
  try {
    return await body(other.url);
  } finally {
    await other.close();
  }
}

test('every answer carries the security headers; the dashboard page has a strict CSP and no inline script', async () => {
  await withServer({}, async (url) => {
    for (const path of ['/', '/healthz', '/metrics', '/no-such-page']) {
      const res = await call('GET', path, {}, url);
      assert.match(String(res.headers['content-security-policy']), /^default-src 'none'; /, path);
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, path);
      assert.is(res.headers['x-content-type-options'], 'nosniff', path);
      assert.is(res.headers['referrer-policy'], 'no-referrer', path);
    }
    const page = await call('GET', '/', {}, url);
    assert.is(page.status, 200);
    assert.is(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.not.match(String(page.headers['content-security-policy']), /unsafe-inline|unsafe-eval|\*/);
    assert.not.match(page.body, /<script>|<script [^>]*>[^<]|\sstyle=|\son[a-z]+=/i, 'no inline script, style or event handler');
    assert.match(page.body, /<script src="\/assets\/dashboard\.js" defer><\/script>/);
    assert.match(page.body, /waiting for the first cycle/);
    const script = await call('GET', '/assets/dashboard.js', {}, url);
    assert.is(script.status, 200);
    assert.is(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.is((await call('GET', '/assets/../package.json', {}, url)).status, 404);
    assert.is((await call('POST', '/', {}, url)).status, 405);
    assert.is((await call('PUT', '/objects', {}, url)).status, 405);
  });
});

test('without a token, the dashboard answers only requests addressed to this machine (no DNS rebinding)', async () => {
  await withServer({}, async (url) => {
    const port = new URL(url).port;
    assert.is((await call('GET', '/', { host: `localhost:${port}` }, url)).status, 200);
    assert.is((await call('GET', '/', { host: '[::1]:8080' }, url)).status, 200, 'kubectl port-forward keeps a loopback Host with its own port');
    const rebound = await call('GET', '/', { host: `attacker.example:${port}` }, url);
    assert.is(rebound.status, 421);
    assert.not.match(rebound.body, /Overview/);
    assert.is((await call('GET', '/healthz', { host: 'pod-ip.example:9464' }, url)).status, 200, 'probes are not affected');
  });
});

test('with a token, the dashboard needs it (Bearer or basic auth); /healthz, /readyz and /metrics stay open', async () => {
  await withServer({ dashboardToken: TOKEN }, async (url) => {
    const bare = await call('GET', '/', {}, url);
    assert.is(bare.status, 401);
    assert.ok(String(bare.headers['www-authenticate']).startsWith('Basic realm='), 'a browser gets its password prompt');
    assert.not.match(bare.body, /Overview/);
    assert.is((await call('GET', '/objects', { authorization: 'Bearer wrong-token-of-some-length' }, url)).status, 401);
    assert.is((await call('GET', '/objects', { authorization: `Bearer ${TOKEN}x` }, url)).status, 401);
    assert.is((await call('GET', '/objects', { authorization: `Bearer ${TOKEN}` }, url)).status, 200);
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    assert.is((await call('GET', '/', { authorization: basic('ad-ops', TOKEN) }, url)).status, 200);
    assert.is((await call('GET', '/', { authorization: basic(TOKEN, 'nope') }, url)).status, 401, 'the token is the password, not the user');
    assert.is((await call('GET', '/', { authorization: `Bearer ${TOKEN}`, host: 'dashboard.example.com' }, url)).status, 200, 'behind a proxy with a token, any Host');
    for (const path of ['/healthz', '/readyz', '/metrics']) assert.is((await call('GET', path, {}, url)).status, 200, path);
  });
});

test('a dashboard on a non-loopback address without a token is refused before anything listens', async () => {
  try {
    await startStatusServer({ host: '0.0.0.0', port: 0 }, { metrics: () => '', readiness: () => ({ ready: true, reason: '' }), dashboard: idle });
    assert.unreachable('should refuse');
  } catch (error) {
    assert.match((error as Error).message, /the dashboard on 0\.0\.0\.0 \(not a loopback address\) needs --dashboard-token-file/);
  }
});

test('the token check: equal only for the same token, whatever the lengths', () => {
  assert.ok(authorized(`Bearer ${TOKEN}`, TOKEN));
  assert.ok(authorized(`bearer   ${TOKEN}`, TOKEN), 'the scheme ignores case');
  for (const header of [undefined, '', TOKEN, `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN}${TOKEN}`, 'Bearer ', `Token ${TOKEN}`, 'Basic !!!', `Basic ${Buffer.from(TOKEN).toString('base64')}`]) {
    assert.not.ok(authorized(header, TOKEN), String(header));
  }
});

test('--listen takes HOST:PORT with an IP address or localhost, and says whether it is loopback', () => {
  assert.equal(parseListenAddress('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464, loopback: true });
  assert.equal(parseListenAddress('[::1]:0'), { host: '::1', port: 0, loopback: true });
  assert.equal(parseListenAddress('localhost:9000'), { host: 'localhost', port: 9000, loopback: true });
  assert.equal(parseListenAddress('0.0.0.0:9464'), { host: '0.0.0.0', port: 9464, loopback: false });
  for (const bad of ['9464', 'metrics.example.com:9464', '127.0.0.1:99999', '127.0.0.1:', ':9464', '[::1]9464', '127.0.0.1:94a']) {
    assert.throws(() => parseListenAddress(bad), /--listen/, bad);
  }
});

test('a port already taken is a clear error, not a crash', async () => {
  const port = Number(new URL(server.url).port);
  try {
    await startStatusServer({ host: '127.0.0.1', port }, { metrics: () => '', readiness: () => ({ ready: true, reason: '' }) });
    assert.unreachable('listening twice on one port should fail');
  } catch (error) {
    assert.match((error as Error).message, /cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
  }
});

test.run();
