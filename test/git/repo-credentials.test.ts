import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigRepo } from '../../src/git/config-repo.js';
import { GitCommandError } from '../../src/git/git-errors.js';
import { parseRemoteUrl } from '../../src/git/remote-url.js';
import { rejects } from '../helpers/assert.js';
import { gitSpy, type GitSpy } from './git-spy.js';
import { startHttpsGitServer, type HttpsGitServer } from './https-git-server.js';
import { repoFixture, type RepoFixture } from './repo-fixture.js';

/** Against a real git server over https that wants `x-access-token:<token>`, as GitHub does. */
const test = suite('repository credentials');
const USER = 'x-access-token';
const TOKEN = 'ghs_T0kenThatMustNotRest42';
let repo: RepoFixture;
let server: HttpsGitServer;
let spy: GitSpy;
let savedCa: string | undefined;

test.before.each(async () => {
  repo = repoFixture({ 'a.yaml': 'a: 1\n' }, 'first');
  server = await startHttpsGitServer(repo.origin, USER, TOKEN);
  spy = gitSpy();
  savedCa = process.env.GIT_SSL_CAINFO;
  process.env.GIT_SSL_CAINFO = server.caFile;
});
test.after.each(async () => {
  spy.restore();
  if (savedCa === undefined) delete process.env.GIT_SSL_CAINFO;
  else process.env.GIT_SSL_CAINFO = savedCa;
  await server.close();
  spy.cleanup();
  repo.cleanup();
});

const withToken = (token: string) => server.url.replace('https://', `https://${USER}:${token}@`);
const cacheDir = () => join(repo.dir, 'cache', 'config');

function* walk(dir: string): Generator<string> {
  yield dir;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (lstatSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

test('after clone and fetch with a token URL, no file in the cache holds the token, and nothing in it is readable by others', async () => {
  const config = new ConfigRepo({ remote: parseRemoteUrl(withToken(TOKEN)), ref: 'main', cacheDir: cacheDir() });
  spy.install();
  (await config.checkout()).release();
  const second = repo.commit({ 'b.yaml': 'b: 2\n' }, 'second');
  const next = await config.checkout();
  next.release();
  spy.restore();
  assert.is(next.commit, second);
  assert.is(readFileSync(join(cacheDir(), 'b.yaml'), 'utf8'), 'b: 2\n');

  const basic = Buffer.from(`${USER}:${TOKEN}`).toString('base64');
  let files = 0;
  for (const path of walk(join(repo.dir, 'cache'))) {
    const stat = lstatSync(path);
    if (stat.isDirectory()) {
      assert.is(stat.mode & 0o777, 0o700, `${path} is a 0700 directory`);
      continue;
    }
    files++;
    assert.is(stat.mode & 0o077, 0, `${path} (mode ${(stat.mode & 0o777).toString(8)}) is readable by its owner only`);
    const content = readFileSync(path);
    assert.not.ok(content.includes(TOKEN), `${path} holds the token`);
    assert.not.ok(content.includes(basic), `${path} holds the token, base64-encoded`);
  }
  assert.ok(files > 10, `the walk saw the clone (${files} files)`);
  assert.match(readFileSync(join(cacheDir(), '.git', 'config'), 'utf8'), new RegExp(`url = ${server.url.replace(/[.]/g, '\\.')}\\n`), 'the remote is recorded without credentials');

  // git asked for the credentials only once the server said 401, and then sent them.
  assert.is(server.requests[0]!.sentCredentials, false);
  assert.ok(server.requests.filter((r) => r.authorized).length >= 4, 'clone and fetch were authenticated');
  // The spy sees the server's git too (http-backend runs on this machine); ours run with their own HOME.
  const calls = spy.calls().filter(({ env }) => /xandr-sync-git-home-/.test(env.HOME ?? ''));
  assert.ok(calls.length >= 6, 'clone, fetch, reset, clean and log, twice');
  for (const { argv, env } of calls) {
    assert.not.ok(argv.some((a) => a.includes(TOKEN) || a.includes(USER)), `the token is never in argv: ${argv.join(' ')}`);
    assert.is(env.XANDR_SYNC_GIT_PASSWORD, TOKEN, 'each git process gets it in its environment');
    assert.is(env[`GIT_CONFIG_KEY_1`], `credential.${new URL(server.url).origin}.helper`, 'for this server only');
  }
  assert.ok(calls.some(({ argv }) => argv.includes('clone') && argv.includes(server.url)), 'git is handed the URL without credentials');
});

test('a wrong token fails the clone with a message that holds neither token, and leaves no cache', async () => {
  const wrong = 'ghs_WrongT0ken77';
  const config = new ConfigRepo({ remote: parseRemoteUrl(withToken(wrong)), ref: 'main', cacheDir: cacheDir() });
  const error = await rejects(config.checkout(), (e) => e instanceof GitCommandError && e.step === 'clone');
  assert.not.match(error.message, new RegExp(`${wrong}|${TOKEN}|${USER}`));
  assert.match(error.message, /https:\/\/\*\*\*@127\.0\.0\.1:\d+\/origin/);
  assert.ok(server.requests.some((r) => r.sentCredentials && !r.authorized), 'the wrong token was tried');
  assert.not.ok(existsSync(cacheDir()), 'no cache was made');
  assert.equal(readdirSync(join(repo.dir, 'cache')), [], 'no temporary clone or lock left behind');
});

test('without credentials in the URL, git is given no credential helper and the server refuses it', async () => {
  const config = new ConfigRepo({ remote: parseRemoteUrl(server.url), ref: 'main', cacheDir: cacheDir() });
  spy.install();
  await rejects(config.checkout(), (e) => e instanceof GitCommandError && e.step === 'clone');
  spy.restore();
  for (const { env } of spy.calls().filter((call) => /xandr-sync-git-home-/.test(call.env.HOME ?? ''))) {
    assert.is(env.GIT_CONFIG_COUNT, undefined);
    assert.is(env.XANDR_SYNC_GIT_PASSWORD, undefined);
  }
  assert.not.ok(server.requests.some((r) => r.sentCredentials));
});

test.run();
