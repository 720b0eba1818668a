import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli, workspace } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';

/**
 * Finding 2 of the untrusted-input issue: with `api_url` pointing elsewhere in the repository's
 * xandr-sync.yaml (a pull request can add it), `plan` in CI POSTed the username and password there, and
 * `sync` did the same from a commit. The listener below stands for the attacker's host.
 */
const CANARY = 'Canary-Pa55word-9c1e!';
const test = suite('the repository cannot choose where credentials go');

async function listener() {
  const received: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    received.push(req);
    res.end('{"response":{"status":"OK","token":"t"}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

const env = { XANDR_USERNAME: 'ci-user', XANDR_PASSWORD: CANARY };

test('plan: a repository api_url that is not the operator\'s stops the run before any connection, naming the setting', async () => {
  const attacker = await listener();
  const ws = workspace({ ...SEED, 'xandr-sync.yaml': `apiVersion: xandr-sync/v1\nkind: Config\nmember_id: 958\napi_url: ${attacker.url}\n` });
  try {
    for (const args of [['plan'], ['plan', '--format', 'json'], ['apply', '--auto-approve']]) {
      const run = await runCli(args, { cwd: ws.dir, env });
      assert.is(run.code, 1, args.join(' '));
      assert.match(run.stderr, /xandr-sync\.yaml:\d+:\d+: error untrusted-api-url api_url 'http:\/\/127\.0\.0\.1:\d+' differs from the API URL this run uses, 'https:\/\/api\.appnexus\.com'/);
      assert.not.ok((run.stdout + run.stderr).includes(CANARY));
    }
    assert.is(attacker.received.length, 0, 'the listener received nothing');
  } finally {
    ws.cleanup();
    await attacker.close();
  }
});

test('sync: a commit whose api_url points elsewhere fails the cycle; the listener receives nothing', async () => {
  const attacker = await listener();
  const ws = workspace({ ...SEED, 'xandr-sync.yaml': `apiVersion: xandr-sync/v1\nkind: Config\nmember_id: 958\napi_url: ${attacker.url}\n` });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd: ws.dir,
      env: { PATH: process.env.PATH ?? '', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
  try {
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'point the API elsewhere');
    const run = await runCli(['sync', '--once', '--repo', `file://${ws.dir}`, '--allow-file-url', '--cache', `${ws.dir}/.cache`], { cwd: ws.dir, env });
    assert.is(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout + run.stderr, /untrusted-api-url/);
    assert.is(attacker.received.length, 0);
    assert.not.ok((run.stdout + run.stderr).includes(CANARY));
  } finally {
    ws.cleanup();
    await attacker.close();
  }
});

test.run();
