import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GithubClient } from '../../src/github/api-client.js';
import { GithubError } from '../../src/github/github-errors.js';
import { planCommentMarker, upsertStickyComment } from '../../src/github/sticky-comment.js';
import { startFakeGithub, type FakeGithub } from './fake-github.js';

const TOKEN = 'ghs_canaryTOKEN1234567890';
const test = suite('the sticky plan comment against a fake GitHub API');
let gh: FakeGithub;
let other: FakeGithub;
test.before(async () => {
  gh = await startFakeGithub({ token: TOKEN });
  other = await startFakeGithub({ token: TOKEN });
});
test.after(async () => {
  await gh.close();
  await other.close();
});
test.before.each(() => {
  gh.fail(null);
  gh.linkOrigin = null;
  gh.requests.length = 0;
  other.requests.length = 0;
});

let issue = 0;
async function upsert(number: number, marker: string, body: string, apiUrl = gh.url) {
  const client = new GithubClient({ apiUrl, token: TOKEN });
  try {
    return await upsertStickyComment(client, { owner: 'acme', repo: 'ads', number, marker, body });
  } finally {
    await client.close();
  }
}

test('first run creates the comment, the second edits it: one comment on the pull request', async () => {
  const n = ++issue;
  const marker = planCommentMarker('https://api.appnexus.com member 958');
  const first = await upsert(n, marker, 'plan one');
  assert.is(first.action, 'created');
  const second = await upsert(n, marker, 'plan two');
  assert.is(second.action, 'updated');
  assert.is(second.id, first.id);
  assert.equal(gh.comments(n).map((c) => c.body), [`${marker}\nplan two`]);
  assert.equal(gh.requests.map((r) => r.method), ['GET', 'POST', 'GET', 'PATCH']);
  assert.ok(gh.requests.every((r) => r.authorization === `Bearer ${TOKEN}`));
});

test('two targets get two comments, each kept current', async () => {
  const n = ++issue;
  const staging = planCommentMarker('https://staging.example member 1');
  const production = planCommentMarker('https://api.appnexus.com member 958');
  await upsert(n, staging, 'staging 1');
  await upsert(n, production, 'production 1');
  await upsert(n, staging, 'staging 2');
  assert.equal(gh.comments(n).map((c) => c.body), [`${staging}\nstaging 2`, `${production}\nproduction 1`]);
});

test('the marked comment is found past the first page; a reply quoting the marker is left alone', async () => {
  const n = ++issue;
  const marker = planCommentMarker('t');
  gh.seed(n, [`> ${marker}\n> quoted by a reviewer`, ...Array.from({ length: 150 }, (_, i) => `comment ${i}`)]);
  gh.seed(n, [`${marker}\nold plan`]);
  const result = await upsert(n, marker, 'new plan');
  assert.is(result.action, 'updated');
  const gets = gh.requests.filter((r) => r.method === 'GET');
  assert.equal(gets.map((r) => r.query.page ?? '1'), ['1', '2']);
  assert.is(gh.comments(n).at(-1)!.body, `${marker}\nnew plan`);
  assert.is(gh.comments(n)[0]!.body, `> ${marker}\n> quoted by a reviewer`);
});

test('a marker cannot end its own HTML comment', () => {
  assert.is(planCommentMarker('a --> b <c>'), '<!-- xandr-sync plan: a - b c -->');
});

test('a 500 from GitHub is an error that names the request and never holds the token', async () => {
  gh.fail({ method: 'POST', status: 500 });
  try {
    await upsert(++issue, planCommentMarker('t'), 'x');
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, GithubError);
    assert.is((error as GithubError).status, 500);
    assert.match((error as Error).message, /^POST \/repos\/acme\/ads\/issues\/\d+\/comments: GitHub answered 500: Server Error$/);
    assert.not.match(JSON.stringify({ m: (error as Error).message, h: (error as GithubError).hint }), TOKEN);
  }
});

test('a redirect is refused, not followed', async () => {
  gh.fail({ method: 'GET', status: 301, location: `${other.url}/repos/acme/ads/issues/1/comments` });
  try {
    await upsert(++issue, planCommentMarker('t'), 'x');
    assert.unreachable('should have failed');
  } catch (error) {
    assert.match((error as Error).message, /GitHub answered 301 \(a redirect to .*\); redirects are not followed/);
  }
  assert.is(other.requests.length, 0, 'nothing reached the redirect target');
});

test('a next-page link to another origin is refused: the token only goes to GITHUB_API_URL', async () => {
  const n = ++issue;
  gh.seed(n, Array.from({ length: 120 }, (_, i) => `comment ${i}`));
  gh.linkOrigin = other.url;
  try {
    await upsert(n, planCommentMarker('t'), 'x');
    assert.unreachable('should have failed');
  } catch (error) {
    assert.match((error as Error).message, /next-page link points at http:\/\/127\.0\.0\.1:\d+, not at http:\/\/127\.0\.0\.1:\d+ \(GITHUB_API_URL\); refusing/);
  }
  assert.is(other.requests.length, 0);
});

test('plain http is refused except to loopback; credentials or a query in the URL are refused', () => {
  for (const [url, message] of [
    ['http://github.example.com/api/v3', /refusing plain http to github\.example\.com/],
    ['https://user:pw@api.github.com', /must not contain credentials/],
    ['https://api.github.com/?x=1', /must not have a query/],
    ['ftp://api.github.com', /must use https/],
    ['not a url', /is not a valid URL/],
  ] as const) {
    assert.throws(() => new GithubClient({ apiUrl: url, token: TOKEN }), (e: Error) => message.test(e.message), url);
  }
  for (const url of ['http://127.0.0.1:1', 'http://localhost:1', 'http://[::1]:1', 'https://ghes.example.com/api/v3']) {
    void new GithubClient({ apiUrl: url, token: TOKEN }).close();
  }
});

test('GitHub Enterprise Server: the API path prefix is kept', async () => {
  const client = new GithubClient({ apiUrl: `${gh.url}/api/v3/`, token: TOKEN });
  try {
    await client.send('GET', '/repos/acme/ads/issues/1/comments').catch(() => undefined);
  } finally {
    await client.close();
  }
  assert.is(gh.requests[0]!.path, '/api/v3/repos/acme/ads/issues/1/comments');
});

test('a refused connection is an error that says so', async () => {
  const closed = await startFakeGithub({ token: TOKEN });
  const url = closed.url;
  await closed.close();
  try {
    await upsert(++issue, planCommentMarker('t'), 'x', url);
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, GithubError);
    assert.match((error as Error).message, /GET \/repos\/acme\/ads\/issues\/\d+\/comments failed before GitHub answered: ECONNREFUSED/);
  }
});

test.run();
