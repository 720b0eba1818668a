import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPullRequestContext } from '../../src/github/pull-request-context.js';
import { workspace } from '../helpers/cli.js';

const test = suite('where plan --comment posts, from the runner environment');
const ws = workspace();
test.after(() => ws.cleanup());

function event(name: string, payload: unknown): string {
  const path = join(ws.dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

const base = { GITHUB_TOKEN: 'ghs_x', GITHUB_REPOSITORY: 'acme/ads' };

test('pull_request event: the number and head commit from the payload, the default API URL', () => {
  const ctx = readPullRequestContext({ ...base, GITHUB_EVENT_PATH: event('pr', { pull_request: { number: 42, head: { sha: 'abc123' } } }), GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '7' });
  assert.equal(ctx, { token: 'ghs_x', apiUrl: 'https://api.github.com', owner: 'acme', repo: 'ads', number: 42, headSha: 'abc123', runUrl: 'https://github.com/acme/ads/actions/runs/7' });
});

test('issue_comment event: issue.number; GITHUB_API_URL is used when set', () => {
  const ctx = readPullRequestContext({ ...base, GITHUB_API_URL: 'https://ghes.example.com/api/v3', GITHUB_EVENT_PATH: event('ic', { issue: { number: 7, pull_request: {} } }) });
  assert.is(ctx.number, 7);
  assert.is(ctx.apiUrl, 'https://ghes.example.com/api/v3');
});

test('everything missing is named in one error', () => {
  assert.throws(
    () => readPullRequestContext({ GITHUB_REPOSITORY: 'acme' }),
    (e: Error) => /GITHUB_TOKEN is not set/.test(e.message) && /GITHUB_REPOSITORY must be owner\/name \(got 'acme'\)/.test(e.message) && /GITHUB_EVENT_PATH is not set/.test(e.message),
  );
});

test('a push event has no pull request: the error says to run on pull_request events', () => {
  assert.throws(
    () => readPullRequestContext({ ...base, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event('push', { ref: 'refs/heads/main' }) }),
    /the push event is not about a pull request/,
  );
  assert.throws(() => readPullRequestContext({ ...base, GITHUB_EVENT_PATH: join(ws.dir, 'missing.json') }), /cannot read the event payload .*: ENOENT/);
});

test.run();
