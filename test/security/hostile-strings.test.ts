import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, sandboxEnv, workspace, type CliResult } from '../helpers/cli.js';
import { bindingYaml, CONFIG } from '../helpers/manifests.js';
import { sandboxFixture } from '../helpers/sandbox.js';

/**
 * Finding 3 of the untrusted-input issue: names from Xandr, its error texts and file names reached
 * terminals, CI logs and pull-request comments raw. A line item named `Acme\n::warning title=x::...`
 * printed a GitHub workflow command; ESC sequences cleared the screen; a CR rewrote the line; in markdown,
 * mentions, images and links in API names were live. Here the names are planted through the sandbox's
 * control endpoint, as a compromised console account would, and every command's every format is read.
 */
const HOSTILE = 'Acme\n::warning title=pwned::owned\u001b[2J\u001b]0;title\u0007\rrewritten @octocat ![x](https://evil.example/x.png) [y](https://evil.example) <img src=x onerror=alert(1)>';

const sb = sandboxFixture();
const test = suite('foreign strings are inert in every output');
test.before.each(async () => {
  await sb.start();
  await sb.it.control.upsert({
    lineItems: [{ id: 503, name: HOSTILE, code: 'acme-brand', state: 'active' }],
    pixels: [{ id: 777, advertiser_id: 5678, name: HOSTILE }],
    segments: [{ id: 4040, code: 'console-made', short_name: HOSTILE, member_id: 958, advertiser_id: 5678, state: 'active' }],
  });
});
test.after.each(sb.stop);

/** A repository that detaches pixel 777 from line item 503: the plan's warning names both. */
const FILES = {
  'xandr-sync.yaml': CONFIG,
  'line-items.yaml': bindingYaml('acme-brand', { advertiser_id: 5678, line_item_id: 503, policy: 'authoritative' }, []),
};

function assertInert(run: CliResult, what: string): void {
  const text = run.stdout + run.stderr;
  assert.not.ok(/[\u001b\u0007\r]/.test(text), `${what}: no ESC, BEL or CR from data reaches the output`);
  for (const line of text.split('\n')) {
    assert.not.ok(line.startsWith('::warning title=pwned'), `${what}: no line of data begins a workflow command`);
    if (line.startsWith('::')) assert.match(line, /^::(error|warning|notice) (file=|title=)/, `${what}: only xandr-sync's own annotations`);
  }
  assert.not.ok(text.includes('\u202e'), `${what}: no bidirectional override`);
}

test('plan in every format, apply, validate: no control character or workflow command from API data', async () => {
  const ws = workspace(FILES);
  const env = { ...sandboxEnv(sb.it.url), GITHUB_ACTIONS: 'true' };
  try {
    for (const format of ['text', 'markdown', 'json']) {
      const run = await runCli(['plan', '--format', format], { cwd: ws.dir, env });
      assert.is(run.code, 0, run.stderr);
      assertInert(run, `plan --format ${format}`);
      if (format === 'json') {
        const plan = JSON.parse(run.stdout);
        const warning = plan.actions[0].warnings.join(' ');
        assert.ok(warning.includes('Acme'), 'the JSON keeps the data (as JSON escapes it)');
      }
      if (format === 'text') assert.match(run.stdout, /Acme\\u000a::warning title=pwned::owned\\u001b\[2J/, 'shown escaped, readable');
      if (format === 'markdown') {
        assert.not.match(run.stdout, /(^|[^`\w])@octocat/m, 'no live mention');
        assert.not.match(run.stdout, /!\[x\]\(https:\/\/evil/, 'no live image');
        assert.not.match(run.stdout, /\]\(https:\/\/evil/, 'no live link');
        assert.not.match(run.stdout, /<img/, 'no HTML');
      }
    }
    const apply = await runCli(['apply', '--auto-approve'], { cwd: ws.dir, env });
    assert.is(apply.code, 0, apply.stderr);
    assertInert(apply, 'apply');
  } finally {
    ws.cleanup();
  }
});

test('import writes and prints hostile names inertly, and the files it writes still validate', async () => {
  const out = mkdtempSync(join(tmpdir(), 'xandr-sync-hostile-'));
  try {
    const run = await runCli(['import', '--advertiser', '5678'], { cwd: out, env: { ...sandboxEnv(sb.it.url), GITHUB_ACTIONS: 'true' } });
    assert.is(run.code, 0, run.stderr);
    assertInert(run, 'import');
    const validate = await runCli(['validate', '--format', 'github'], { cwd: out, env: { GITHUB_ACTIONS: 'true' } });
    assert.is(validate.code, 0, validate.stdout + validate.stderr);
    assertInert(validate, 'validate after import');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a manifest file whose name holds control characters and a workflow command is reported inertly', async () => {
  const ws = workspace({ 'xandr-sync.yaml': CONFIG });
  try {
    writeFileSync(join(ws.dir, '::warning title=pwned::x\u001b[2J.yaml'), 'apiVersion: xandr-sync/v1\nkind: Segment\nmetadata:\n  name: s\nspec:\n  colour: red\n');
    for (const format of ['text', 'json', 'github']) {
      const run = await runCli(['validate', '--format', format], { cwd: ws.dir, env: { GITHUB_ACTIONS: 'true' } });
      assert.is(run.code, 1);
      assertInert(run, `validate --format ${format}`);
    }
    const plan = await runCli(['plan', '--format', 'markdown'], { cwd: ws.dir, env: { GITHUB_ACTIONS: 'true' } });
    assertInert(plan, 'plan with the bad file');
  } finally {
    ws.cleanup();
  }
});

test('sync: a commit subject and names from Xandr are inert in the cycle log, text and JSON', async () => {
  const ws = workspace(FILES);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd: ws.dir,
      env: { PATH: process.env.PATH ?? '', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
  try {
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'subject \u001b[2J with ESC');
    for (const format of ['text', 'json']) {
      const run = await runCli(
        ['sync', '--once', '--mode', 'detect', '--format', format, '--repo', `file://${ws.dir}`, '--allow-file-url', '--cache', join(ws.dir, `.cache-${format}`)],
        { cwd: ws.dir, env: sandboxEnv(sb.it.url) },
      );
      assert.is(run.code, 0, run.stdout + run.stderr);
      assertInert(run, `sync --format ${format}`);
    }
  } finally {
    ws.cleanup();
  }
});

test.run();
