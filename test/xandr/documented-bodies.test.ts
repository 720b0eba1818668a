import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createObject,
  getLineItems,
  getMember,
  getPixels,
  getSegments,
  listLineItems,
  listPixels,
  listSegments,
  updateObject,
  XandrAuthError,
  XandrClient,
} from '../../src/xandr/index.js';
import { rejects } from '../helpers/assert.js';
import { XANDR_FIXTURES, xandrFixture } from '../helpers/fixtures.js';

/**
 * What the client reads from the bodies Xandr's articles print (test/fixtures/xandr/, each with its page in
 * the README there), served byte for byte by a small HTTP server on port 0: not the sandbox's rendering of
 * them, the documented text itself.
 */

const test = suite("the client reads Xandr's documented bodies");

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: string;
}

/** `METHOD /path` -> the HTTP status and the fixture (or body text) to answer with. */
type Routes = Record<string, { status?: number; fixture?: string; text?: string }>;

let server: Server;
let url = '';
let routes: Routes = {};
let seen: Seen[] = [];
let clients: XandrClient[] = [];
/** What the client hands to the redactor (onSecret). */
const secrets: string[] = [];

test.before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
      seen.push({ method: req.method ?? '', path: parsed.pathname, query: parsed.searchParams, authorization: req.headers.authorization, body });
      const route = routes[`${req.method} ${parsed.pathname}`];
      if (!route) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`no documented body for ${req.method} ${parsed.pathname}`);
        return;
      }
      res.writeHead(route.status ?? 200, { 'content-type': 'application/json' });
      res.end(route.text ?? xandrFixture(route.fixture!));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test.before.each(() => {
  seen = [];
  secrets.length = 0;
  routes = { 'POST /auth': { fixture: 'auth-jwt-response.json' } };
});

test.after.each(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
});

function client(): XandrClient {
  const c = new XandrClient({ apiUrl: url, credentials: { username: 'api-user', password: 'api-password' }, retry: { maxAttempts: 1 }, onSecret: (s) => secrets.push(s) });
  clients.push(c);
  return c;
}

const DOCUMENTED_TOKEN = 'authn:184994:a1111111-6766-3b66-8544-f11111111ffd:lax1';

test('a JWT login answer (an authn: token, debug_info instead of dbg_info): its token is used, and kept secret', async () => {
  routes['GET /member'] = { fixture: 'member-get-response.json' };
  const member = await getMember(client());
  const call = seen.find((s) => s.path === '/member')!;
  assert.is(call.authorization, DOCUMENTED_TOKEN, 'the token goes in Authorization, as it came');
  assert.ok(secrets.includes(DOCUMENTED_TOKEN), 'the token is handed to the redactor');
  assert.equal(JSON.parse(seen[0]!.body), { auth: { username: 'api-user', password: 'api-password' } });
  assert.equal([member.id, member.name], [1, 'Car company c/o Ad Agency']);
});

test('GET /member without status (the authentication article): the member, ids as numbers', async () => {
  routes['GET /member'] = { fixture: 'member-get-response.json' };
  const member = await getMember(client());
  assert.is(member.id, 1);
  assert.is(member.active, '1', 'other fields are kept as they came');
});

test('GET /segment (plural key, no count, price as a string): listed and read by id', async () => {
  routes['GET /segment'] = { fixture: 'segment-get-response.json' };
  const c = client();
  const listed = await listSegments(c);
  assert.equal(listed.map((s) => [s.id, s.code, s.advertiser_id, s.price, s.expire_minutes, s.short_name]), [[11836, null, 51, 0, null, 'March 10']]);
  assert.is(seen.filter((s) => s.path === '/segment').length, 1, 'one page: no count means no further pages under 100');
  const byId = await getSegments(c, [11836]);
  assert.equal(byId.map((s) => s.id), [11836]);
  assert.is(seen.at(-1)!.query.get('id'), '11836');
});

test('GET /pixel (plural key, campaign ids as strings, read-only line_items): listed and read by id', async () => {
  routes['GET /pixel'] = { fixture: 'pixel-get-response.json' };
  const c = client();
  const [pixel, ...rest] = await listPixels(c, 2);
  assert.is(rest.length, 0);
  assert.equal([pixel!.id, pixel!.advertiser_id, pixel!.code, pixel!.trigger_type, pixel!.post_click_value, pixel!.post_view_value], [17, 2, null, 'hybrid', 10, 1]);
  assert.equal(pixel!.line_items, [{ id: 382, name: 'Line Item', state: 'active' }]);
  assert.is(seen.at(-1)!.query.get('advertiser_id'), '2');
  assert.equal((await getPixels(c, [17])).map((p) => p.id), [17]);
});

test('GET /line-item by one id (the singular line-item key, null start_element and num_elements)', async () => {
  routes['GET /line-item'] = { fixture: 'line-item-get-response.json' };
  const c = client();
  const [lineItem, ...rest] = await getLineItems(c, [164532]);
  assert.is(rest.length, 0);
  assert.equal([lineItem!.id, lineItem!.advertiser_id, lineItem!.code, lineItem!.revenue_type, lineItem!.profile_id], [164532, 52049, 'wfspq312', 'cpa', null]);
  assert.equal(lineItem!.pixels, [{ id: 39688, state: 'inactive', post_click_revenue: 30, post_view_revenue: null }], 'a string id and "30.000000" become numbers');
  // The same body as a listing's only page: count 1, null paging, one object.
  const listed = await listLineItems(c, 52049);
  assert.equal(listed.map((l) => l.id), [164532]);
  assert.is(seen.filter((s) => s.path === '/line-item').length, 2, 'one read each');
});

test('a POST answered with only status and id (the pixel article): the id of the new object', async () => {
  routes['POST /pixel'] = { fixture: 'pixel-post-response.json' };
  const request = JSON.parse(xandrFixture('pixel-post-request.json'));
  const id = await createObject(client(), { service: 'pixel', query: { advertiser_id: 2 }, body: request, object: 'ConversionPixel/prostarr' });
  assert.is(id, 17);
  const post = seen.find((s) => s.method === 'POST' && s.path === '/pixel')!;
  assert.equal(JSON.parse(post.body), request, 'the documented request body is sent as given');
  assert.is(post.query.get('advertiser_id'), '2');
});

test('a POST answered with a string id, as other articles print ids (built here from the pixel answer)', async () => {
  routes['POST /segment'] = { text: JSON.stringify({ response: { status: 'OK', id: '500' } }) };
  const request = JSON.parse(xandrFixture('segment-post-request.json'));
  assert.is(await createObject(client(), { service: 'segment', query: { member_id: 25 }, body: request, object: 'Segment/WM08' }), 500);
});

test('a profile PUT answered with status, count and id (the profile article)', async () => {
  routes['PUT /profile'] = { fixture: 'profile-put-response.json' };
  const request = JSON.parse(xandrFixture('profile-segment-group-targets-request.json'));
  const id = await updateObject(client(), { service: 'profile', query: { id: 9 }, body: request, object: 'LineItemSegments/example' });
  assert.is(id, 9);
  assert.equal(JSON.parse(seen.find((s) => s.method === 'PUT')!.body), request);
});

for (const status of [401, 200]) {
  test(`the documented NOAUTH answer to a login (HTTP ${status}) refuses the login once, with Xandr's words`, async () => {
    routes['POST /auth'] = { status, fixture: 'error-noauth.json' };
    routes['GET /member'] = { fixture: 'member-get-response.json' };
    const error = await rejects(getMember(client()), /login refused by Xandr for the user in XANDR_USERNAME: NOAUTH: No match found for user\/pass/);
    assert.instance(error, XandrAuthError);
    assert.not.match((error as Error).message, /api-user|api-password/, 'no credential in the message');
    assert.is(seen.filter((s) => s.path === '/auth').length, 1, 'a refused login is not repeated');
    assert.is(seen.filter((s) => s.path === '/member').length, 0);
  });
}

/** Fixtures the client does not read, and why; every other one must be read by a test above. */
const NOT_READ: Record<string, string> = {
  'change-log-get-response.json': 'the client does not read the change log yet (the sandbox serves it: test/sandbox/documented-shapes.test.ts)',
};
const READ = [
  'auth-jwt-response.json',
  'member-get-response.json',
  'segment-get-response.json',
  'pixel-get-response.json',
  'line-item-get-response.json',
  'pixel-post-response.json',
  'profile-put-response.json',
  'error-noauth.json',
];
const SENT = ['pixel-post-request.json', 'segment-post-request.json', 'profile-segment-group-targets-request.json'];

test('every documented body in test/fixtures/xandr/ is read above, sent above, or said to be unread', () => {
  const fixtures = readdirSync(XANDR_FIXTURES).filter((f) => f.endsWith('.json')).sort();
  assert.equal(fixtures, [...READ, ...SENT, ...Object.keys(NOT_READ)].sort(), 'a new fixture needs a test here (or a reason in NOT_READ)');
});

test.run();
