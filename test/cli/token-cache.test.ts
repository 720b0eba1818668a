import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';
import { loginsIn, sandboxFixture, startSandbox } from '../helpers/sandbox.js';

/**
 * Every CLI run logged in afresh, and the 8th quick plan hit Xandr's 10-logins-per-5-minutes limit. Runs
 * now share a token through a cache file per API URL and user.
 */
const sb = sandboxFixture();
const test = suite('sessions that last');
test.before.each(sb.start);
test.after.each(sb.stop);

const PASSWORD = 'Cache-Canary-Pa55!';

function setup() {
  const ws = workspace(SEED);
  const cacheHome = join(ws.dir, '..', `${ws.dir.split('/').pop()}-cache`);
  const env = { XANDR_API_URL: sb.it.url, XANDR_USERNAME: 'cache-user', XANDR_PASSWORD: PASSWORD, XDG_CACHE_HOME: cacheHome, XANDR_TOKEN_CACHE: '' };
  return { ws, env, cacheHome };
}

test('5 consecutive plans with the same credentials make 1 login; the cache is private and holds no password', async () => {
  const { ws, env, cacheHome } = setup();
  try {
    // A sandbox with a user of its own: a canary password to look for in the cache.
    const own = await startSandbox({ port: 0, users: [{ username: 'cache-user', password: PASSWORD, memberId: 958 }] });
    try {
      const runs = [];
      for (let i = 0; i < 5; i++) runs.push(await runCli(['plan'], { cwd: ws.dir, env: { ...env, XANDR_API_URL: own.url } }));
      for (const run of runs) assert.is(run.code, 0, run.stderr);
      assert.is(loginsIn(own.control.log()).length, 1, 'one login for five runs');
      const dir = join(cacheHome, 'xandr-sync', 'tokens');
      assert.is(statSync(join(cacheHome, 'xandr-sync')).mode & 0o777, 0o700);
      assert.is(statSync(dir).mode & 0o777, 0o700);
      const files = readdirSync(dir);
      assert.is(files.length, 1);
      assert.is(statSync(join(dir, files[0]!)).mode & 0o777, 0o600);
      const cached = readFileSync(join(dir, files[0]!), 'utf8');
      assert.not.ok(cached.includes(PASSWORD), 'no password in the cache');
      assert.not.ok(cached.includes('cache-user'), 'nor the username');
      const token = JSON.parse(cached).token as string;
      for (const run of runs) assert.not.ok((run.stdout + run.stderr).includes(token), 'the token is never printed');

      // A cached token Xandr refuses costs exactly one fresh login.
      own.control.expireTokens();
      own.control.clearLog();
      const after = await runCli(['plan'], { cwd: ws.dir, env: { ...env, XANDR_API_URL: own.url } });
      assert.is(after.code, 0, after.stderr);
      assert.is(loginsIn(own.control.log()).length, 1);

      // XANDR_TOKEN_CACHE=off: every run logs in.
      own.control.clearLog();
      for (let i = 0; i < 2; i++) await runCli(['plan'], { cwd: ws.dir, env: { ...env, XANDR_API_URL: own.url, XANDR_TOKEN_CACHE: 'off' } });
      assert.is(loginsIn(own.control.log()).length, 2);
    } finally {
      await own.close();
    }
  } finally {
    ws.cleanup();
  }
});

test('one login shared by CI jobs: login --token-file, then XANDR_TOKEN_FILE or XANDR_TOKEN without credentials', async () => {
  const { ws } = setup();
  try {
    const login = await runCli(['login', '--token-file', 'token.txt'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(login.code, 0, login.stderr);
    assert.is(statSync(join(ws.dir, 'token.txt')).mode & 0o777, 0o600);
    const token = readFileSync(join(ws.dir, 'token.txt'), 'utf8').trim();
    assert.not.ok((login.stdout + login.stderr).includes(token), 'login never prints the token');
    sb.it.control.clearLog();
    const byFile = await runCli(['plan'], { cwd: ws.dir, env: { XANDR_API_URL: sb.it.url, XANDR_TOKEN_FILE: 'token.txt' } });
    assert.is(byFile.code, 0, byFile.stderr);
    const byEnv = await runCli(['plan', '--format', 'json'], { cwd: ws.dir, env: { XANDR_API_URL: sb.it.url, XANDR_TOKEN: token } });
    assert.is(byEnv.code, 0, byEnv.stderr);
    assert.not.ok(byEnv.stdout.includes(token));
    assert.is(loginsIn(sb.it.control.log()).length, 0, 'the jobs made no login of their own');

    // A shared token that Xandr refuses, with no credentials to fall back on: a clear error.
    sb.it.control.expireTokens();
    const refused = await runCli(['plan'], { cwd: ws.dir, env: { XANDR_API_URL: sb.it.url, XANDR_TOKEN: token } });
    assert.is(refused.code, 1);
    assert.match(refused.stderr, /the shared token \(XANDR_TOKEN or XANDR_TOKEN_FILE\) was refused/);
  } finally {
    ws.cleanup();
  }
});

test.run();
