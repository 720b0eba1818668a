import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, workspace, type CliResult } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';
import { sandboxFixture } from '../helpers/sandbox.js';
import { startFakeGithub, type FakeGithub } from './fake-github.js';

/**
 * `plan --comment` and the step summary, end to end: the real CLI against the sandbox, with the GitHub
 * Actions environment pointing at a fake GitHub API on loopback.
 */

const PASSWORD = 'canary-PASSWORD-5f3a9c';
const TOKEN = 'ghs_canaryTOKEN-7d41e2b9';
const USER = 'ci-user';

const sb = sandboxFixture({ users: [{ username: USER, password: PASSWORD }] });
const test = suite('plan --comment and the step summary against a fake GitHub API');
let gh: FakeGithub;
test.before(async () => {
  await sb.start();
  gh = await startFakeGithub({ token: TOKEN });
});
test.after(async () => {
  await sb.stop();
  await gh.close();
});
test.before.each(async () => {
  await sb.it.control.reset();
  gh.fail(null);
  gh.requests.length = 0;
});

let pr = 100;

/** A workspace with the seed manifests and an event payload for pull request `number`. */
function pullRequest(number: number) {
  const ws = workspace(SEED);
  const eventPath = join(ws.dir, '.github-event.json');
  writeFileSync(eventPath, JSON.stringify({ action: 'synchronize', pull_request: { number, head: { sha: 'f00dfeedc0ffee1234567890' } } }));
  const summary = join(ws.dir, 'step-summary.md');
  const env: Record<string, string> = {
    XANDR_API_URL: sb.it.url,
    XANDR_USERNAME: USER,
    XANDR_PASSWORD: PASSWORD,
    GITHUB_ACTIONS: 'true',
    GITHUB_TOKEN: TOKEN,
    GITHUB_REPOSITORY: 'acme/ads',
    GITHUB_API_URL: gh.url,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_STEP_SUMMARY: summary,
  };
  return { ws, env, summary, cli: (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: ws.dir, env: { ...env, ...extra } }) };
}

test('the first run creates the comment, the second edits the same one: one comment on the pull request', async () => {
  const number = ++pr;
  const { ws, cli } = pullRequest(number);
  try {
    const first = await cli(['plan', '--comment']);
    assert.is(first.code, 0, first.stderr);
    assert.match(first.stderr, new RegExp(`Plan comment created on pull request #${number}`));
    const second = await cli(['plan', '--comment']);
    assert.is(second.code, 0, second.stderr);
    assert.match(second.stderr, new RegExp(`Plan comment updated on pull request #${number}`));

    assert.equal(gh.requests.map((r) => `${r.method} ${r.path}`), [
      `GET /repos/acme/ads/issues/${number}/comments`,
      `POST /repos/acme/ads/issues/${number}/comments`,
      `GET /repos/acme/ads/issues/${number}/comments`,
      `PATCH /repos/acme/ads/issues/comments/${gh.comments(number)[0]!.id}`,
    ]);
    const comments = gh.comments(number);
    assert.is(comments.length, 1);
    const body = comments[0]!.body;
    assert.match(body, new RegExp(`^<!-- xandr-sync plan: ${sb.it.url.replace(/[.]/g, '\\.')} member 958 -->\\n### xandr-sync plan: 2 to create, 1 to update`));
    assert.match(body, /<summary>Line-item pixels: 1 to update<\/summary>/);
    assert.match(body, /Planned by xandr-sync for commit f00dfeedc0ff · \[workflow run\]\(https:\/\/github\.com\/acme\/ads\/actions\/runs\/4242\)/);
  } finally {
    ws.cleanup();
  }
});

test('two targets in one repository get two comments', async () => {
  const number = ++pr;
  const { ws, cli } = pullRequest(number);
  try {
    assert.is((await cli(['plan', '--comment'])).code, 0);
    assert.is((await cli(['plan', '--comment', '--advertiser', '1234'])).code, 0);
    assert.is((await cli(['plan', '--comment'])).code, 0);
    const markers = gh.comments(number).map((c) => c.body.split('\n')[0]);
    assert.equal(markers, [`<!-- xandr-sync plan: ${sb.it.url} member 958 -->`, `<!-- xandr-sync plan: ${sb.it.url} member 958 advertisers 1234 -->`]);
  } finally {
    ws.cleanup();
  }
});

test('a 500 from GitHub fails the command with exit 1 and a message without the token', async () => {
  const number = ++pr;
  const { ws, cli } = pullRequest(number);
  try {
    gh.fail({ method: 'GET', status: 500 });
    const run = await cli(['plan', '--comment', '--format', 'json']);
    assert.is(run.code, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`error: GET /repos/acme/ads/issues/${number}/comments: GitHub answered 500: Server Error\\nhint: GitHub had a problem; run the job again`));
    assert.not.match(run.stderr + run.stdout, TOKEN);
    JSON.parse(run.stdout);
  } finally {
    ws.cleanup();
  }
});

test('without GITHUB_TOKEN, outside a pull request, or with a plain-http API, --comment fails before reading Xandr', async () => {
  const { ws, cli } = pullRequest(++pr);
  try {
    sb.it.control.clearLog();
    const run = await cli(['plan', '--comment'], { GITHUB_TOKEN: '' });
    assert.is(run.code, 1);
    assert.match(run.stderr, /error: cannot comment on the pull request: GITHUB_TOKEN is not set/);
    writeFileSync(join(ws.dir, 'push.json'), JSON.stringify({ ref: 'refs/heads/main' }));
    const push = await cli(['plan', '--comment'], { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: join(ws.dir, 'push.json') });
    assert.is(push.code, 1);
    assert.match(push.stderr, /the push event is not about a pull request/);
    const http = await cli(['plan', '--comment'], { GITHUB_API_URL: 'http://github.example.com/api/v3' });
    assert.is(http.code, 1);
    assert.match(http.stderr, /error: refusing plain http to github\.example\.com: the GitHub token would cross the network unencrypted/);
    assert.is(sb.it.control.log().length, 0, 'Xandr was not contacted');
    assert.is(gh.requests.length, 0);
  } finally {
    ws.cleanup();
  }
});

test('plan errors are annotations on stderr and in the comment; --format json on stdout stays JSON', async () => {
  const { ws, cli } = pullRequest(++pr);
  try {
    ws.write({ 'p.yaml': 'apiVersion: xandr-sync/v1\nkind: ConversionPixel\nmetadata:\n  name: adopted\n  id: 99999\nspec:\n  advertiser_id: 1234\n  name: Adopted\n  trigger_type: hybrid\n' });
    const run = await cli(['plan', '--format', 'json', '--comment']);
    assert.is(run.code, 1);
    assert.match(gh.comments(pr)[0]!.body, /\n### xandr-sync plan: failed\n[\s\S]*Plan failed with 1 error\(s\); nothing will be written to Xandr/, 'the comment shows the failure, not the last good plan');
    assert.match(run.stderr, /^::error file=p\.yaml,line=2,col=1,title=unknown-id::ConversionPixel\/adopted: metadata\.id 99999: /m);
    assert.is(JSON.parse(run.stdout).errors.length, 1);
    assert.not.match(run.stdout, /::error/);
  } finally {
    ws.cleanup();
  }
});

test('manifest errors in GitHub Actions: 10 annotations and a count, the rest as log lines', async () => {
  const { ws, cli } = pullRequest(++pr);
  try {
    const bad = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`bad-${String(i).padStart(2, '0')}.yaml`, `apiVersion: xandr-sync/v1\nkind: Segment\nmetadata:\n  name: s${i}\nspec:\n  advertiser_id: 1234\n  short_name: S\n  colour: red\n`]));
    ws.write(bad);
    const run = await cli(['plan', '--format', 'json']);
    assert.is(run.code, 1);
    const lines = run.stderr.split('\n');
    assert.is(lines.filter((l) => l.startsWith('::error ')).length, 10);
    assert.is(lines.filter((l) => /^::warning title=xandr-sync validate::30 errors more/.test(l)).length, 1);
    assert.is(lines.filter((l) => /^bad-\d+\.yaml:\d+:\d+: error /.test(l)).length, 30);
    const document = JSON.parse(run.stdout);
    assert.is(document.ok, false, 'stdout is one JSON document saying the command failed');
    assert.is(document.diagnostics.length, 40, 'with every diagnostic, for CI to read');
  } finally {
    ws.cleanup();
  }
});

test('the canary password and token appear in no output: stdout, stderr, step summary, comment payloads', async () => {
  const number = ++pr;
  const { ws, cli, summary } = pullRequest(number);
  try {
    const runs: CliResult[] = [];
    for (const args of [['plan', '--comment'], ['plan', '--comment', '--format', 'markdown'], ['plan', '--format', 'json', '--out', 'plan.json'], ['validate', '--format', 'github']]) {
      runs.push(await cli(args));
    }
    runs.push(await cli(['apply', '--plan', 'plan.json', '--auto-approve']));
    runs.push(await cli(['apply', '--auto-approve', '--format', 'json']));
    gh.fail({ method: 'PATCH', status: 500 });
    runs.push(await cli(['plan', '--comment']));
    assert.equal(runs.map((r) => r.code), [0, 0, 0, 0, 0, 0, 1], runs.map((r) => r.stderr).join('\n'));

    assert.ok(existsSync(summary));
    const summaryText = readFileSync(summary, 'utf8');
    assert.match(summaryText, /### xandr-sync plan: 2 to create/);
    assert.match(summaryText, /### xandr-sync apply: complete \(3 done, 0 failed, 0 skipped\)/);
    assert.match(summaryText, /### xandr-sync apply: nothing to do/);
    const payloads = gh.requests.map((r) => r.raw).join('\n');
    assert.ok(gh.requests.some((r) => r.method === 'PATCH'), 'comment payloads were sent');
    const outputs = { stdout: runs.map((r) => r.stdout).join(''), stderr: runs.map((r) => r.stderr).join(''), summary: summaryText, payloads, plan: readFileSync(join(ws.dir, 'plan.json'), 'utf8') };
    for (const [where, text] of Object.entries(outputs)) {
      for (const secret of [PASSWORD, TOKEN, encodeURIComponent(PASSWORD)]) assert.not.ok(text.includes(secret), `${where} holds a secret`);
    }
    assert.ok(gh.requests.every((r) => r.authorization === `Bearer ${TOKEN}`), 'the token went only in the Authorization header, to the API');
  } finally {
    ws.cleanup();
  }
});

test.run();
