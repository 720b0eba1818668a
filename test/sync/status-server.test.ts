import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
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

function call(method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, agent: false }, (res) => {
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
