import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BIN, runCli, workspace, type CliResult } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';
import { startSandbox } from '../helpers/sandbox.js';
import { startFakeGithub } from '../github/fake-github.js';
import { startFakeWebhook } from '../sync/fake-webhook.js';
import { repoFixture } from '../git/repo-fixture.js';

/**
 * Issue 10: with a canary password, and a sandbox that echoes the caller's token in error texts, no output
 * of any command contains either: stdout, stderr, JSON plans, saved plans, markdown, the step summary, the
 * pull-request comment payloads, the webhook payloads, the daemon's log and its metrics.
 */
const CANARY = 'Canary-Secret-Pa55word-91c7';
const GH_TOKEN = 'ghs_canaryGithubToken0123456789';
const TOKEN_SHAPE = /hbapi:\d+:[0-9a-f]{8,}/;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const test = suite('secrets never leave the process');

test('canary password and echoed tokens appear in no output of any command', async () => {
  const sandbox = await startSandbox({ port: 0, users: [{ username: 'canary-user', password: CANARY, memberId: 958 }] });
  const github = await startFakeGithub({ token: GH_TOKEN });
  const webhook = await startFakeWebhook();
  const ws = workspace(SEED);
  const repo = repoFixture(SEED);
  const outputs: Record<string, string> = {};
  try {
    // Every refused line-item PUT and the first segment read carry the token in their error text.
    sandbox.control.setFaults([
      { method: 'PUT', path: '/line-item', action: 'error', errorId: 'SYNTAX', echoToken: true },
      { method: 'GET', path: '/segment', action: 'error', echoToken: true, count: 1 },
    ]);
    const summary = join(ws.dir, 'step-summary.md');
    const event = join(ws.dir, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 7, head: { sha: 'abc123' } } }));
    const env = {
      XANDR_API_URL: sandbox.url,
      XANDR_USERNAME: 'canary-user',
      XANDR_PASSWORD: CANARY,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_ACTIONS: 'true',
      GITHUB_TOKEN: GH_TOKEN,
      GITHUB_REPOSITORY: 'acme/xandr-config',
      GITHUB_API_URL: github.url,
      GITHUB_EVENT_PATH: event,
    };
    const record = (name: string, run: CliResult) => {
      outputs[`${name} stdout`] = run.stdout;
      outputs[`${name} stderr`] = run.stderr;
      return run;
    };
    const cli = (name: string, args: string[]) => runCli(args, { cwd: ws.dir, env }).then((run) => record(name, run));

    await cli('validate', ['validate', '--format', 'github']);
    await cli('plan text', ['plan']);
    await cli('plan json', ['plan', '--format', 'json', '--out', 'saved.json']);
    await cli('plan markdown', ['plan', '--format', 'markdown']);
    const commented = await cli('plan comment', ['plan', '--comment']);
    assert.is(commented.code, 0, commented.stderr);
    const applied = await cli('apply text', ['apply', '--auto-approve']);
    assert.is(applied.code, 1, 'the line-item PUT is refused');
    assert.match(applied.stdout, /injected SYNTAX refusal/, 'the refusal text is shown');
    await cli('apply json', ['apply', '--auto-approve', '--format', 'json']);
    await cli('apply saved plan', ['apply', '--plan', 'saved.json', '--auto-approve']);
    outputs['saved plan'] = existsSync(join(ws.dir, 'saved.json')) ? readFileSync(join(ws.dir, 'saved.json'), 'utf8') : '';
    outputs['step summary'] = readFileSync(summary, 'utf8');
    outputs['comment payloads'] = github.requests.map((r) => `${r.raw}`).join('\n');
    assert.ok(github.requests.some((r) => r.method === 'POST'), 'a comment was posted');

    // The daemon: one detect cycle (drift found: the line item still lacks its pixel), metrics, then SIGTERM.
    const port = await freePort();
    const daemon = spawn(
      process.execPath,
      [BIN, 'sync', '--repo', repo.url, '--allow-file-url', '--schedule', '0 0 1 1 *', '--mode', 'detect', '--listen', `127.0.0.1:${port}`, '--webhook', webhook.url, '--cache', join(ws.dir, 'cache')],
      { cwd: ws.dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } },
    );
    let log = '';
    daemon.stdout.on('data', (d) => (log += d));
    daemon.stderr.on('data', (d) => (log += d));
    let metrics = '';
    for (let i = 0; i < 400 && !/xandr_sync_cycles_total\{[^}]*\} [1-9]/.test(metrics); i++) {
      await new Promise((r) => setTimeout(r, 50));
      metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
    }
    outputs.metrics = metrics;
    outputs.readyz = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.text(), () => '');
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.on('close', r));
    outputs['daemon log'] = log;
    outputs['webhook payloads'] = webhook.raw.join('\n');
    assert.match(metrics, /xandr_sync_cycles_total/, 'the daemon ran a cycle');
    assert.ok(webhook.raw.length > 0, 'the webhook was called');

    const hits = sandbox.control.faults().rules.reduce((n, r) => n + r.hits, 0);
    assert.ok(hits >= 3, `the sandbox echoed the token ${hits} times`);
    for (const [name, text] of Object.entries(outputs)) {
      assert.not.ok(text.includes(CANARY), `${name} contains the password`);
      assert.not.ok(text.includes(GH_TOKEN), `${name} contains the GitHub token`);
      assert.not.match(text, TOKEN_SHAPE, `${name} contains a Xandr token`);
    }
  } finally {
    ws.cleanup();
    repo.cleanup();
    await github.close();
    await webhook.close();
    await sandbox.close();
  }
});

test.run();
