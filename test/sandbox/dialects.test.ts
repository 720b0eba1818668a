import * as assert from 'uvu/assert';
import { assertError, sandboxSuite, type Api } from './helpers.js';

/** One case per error kind: the request that provokes it, and its status in each dialect. */
const CASES: { name: string; send: (api: Api) => Promise<any>; errorId: string; errorCode?: string; modern: number }[] = [
  { name: 'NOAUTH (no token)', send: (api) => api.get('/segment', { token: null }), errorId: 'NOAUTH', modern: 401 },
  { name: 'NOAUTH (bad password)', send: (api) => api.call('POST', '/auth', { auth: { username: 'sandbox', password: 'nope' } }, { token: null }), errorId: 'NOAUTH', modern: 401 },
  { name: 'UNAUTH (another member)', send: (api) => api.post('/segment?member_id=25', { segment: { short_name: 'x' } }), errorId: 'UNAUTH', modern: 403 },
  { name: 'SYNTAX (validation)', send: (api) => api.post('/segment', { segment: {} }), errorId: 'SYNTAX', modern: 400 },
  { name: 'not found', send: (api) => api.get('/segment?id=31337'), errorId: 'SYNTAX', errorCode: 'NOTFOUND_SEGMENT', modern: 404 },
  { name: 'INTEGRITY (pixel in use)', send: (api) => api.del('/pixel?id=777'), errorId: 'INTEGRITY', modern: 400 },
  {
    name: 'LIMIT (21 pixels)',
    send: (api) => api.put('/line-item?id=503', { 'line-item': { pixels: Array.from({ length: 21 }, (_, i) => ({ id: 777 + i })) } }),
    errorId: 'LIMIT',
    modern: 400,
  },
];

for (const dialect of ['modern', 'legacy'] as const) {
  const s = sandboxSuite(`sandbox error dialect: ${dialect}`, { dialect });
  const test = s.test;

  for (const c of CASES) {
    test(`${c.name}: HTTP ${dialect === 'modern' ? c.modern : 200} with the same body`, async () => {
      const reply = await c.send(s.api);
      assertError(reply, { status: dialect === 'modern' ? c.modern : 200, errorId: c.errorId, ...(c.errorCode && { errorCode: c.errorCode }) });
    });
  }

  test('an injected error fault: its status in modern, 200 in legacy; SYSTEM / SERVICE_UNAVAILABLE', async () => {
    s.sb.control.setFaults([{ path: '/segment', action: 'error', status: 502, count: 1 }]);
    assertError(await s.api.get('/segment'), { status: dialect === 'modern' ? 502 : 200, errorId: 'SYSTEM', errorCode: 'SERVICE_UNAVAILABLE' });
  });

  test('throttling is a 429 in both dialects', async () => {
    s.sb.control.configure({ limits: { reads: 1 } });
    await s.api.get('/member');
    const reply = await s.api.get('/member');
    assertError(reply, { status: 429, errorId: 'SYSTEM', errorCode: 'RATE_EXCEEDED' });
    assert.ok(Number(reply.headers.get('retry-after')) >= 1);
  });

  test('success bodies are the same in both dialects', async () => {
    const reply = await s.api.get('/line-item?id=205');
    assert.is(reply.status, 200);
    assert.is(reply.body.response.status, 'OK');
  });

  test.run();
}
