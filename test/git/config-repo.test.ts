import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigRepo, defaultCacheDir } from '../../src/git/config-repo.js';
import { GitCommandError, GitInputError } from '../../src/git/git-errors.js';
import { parseRemoteUrl, type RemoteUrl } from '../../src/git/remote-url.js';
import { rejects } from '../helpers/assert.js';
import { repoFixture, type RepoFixture } from './repo-fixture.js';

const test = suite('config repository cache');
let repo: RepoFixture;

test.before.each(() => {
  repo = repoFixture({ 'a.yaml': 'a: 1\n' }, 'first commit');
});
test.after.each(() => repo.cleanup());

const open = (ref = 'main', remote: RemoteUrl = parseRemoteUrl(repo.url, { allowFile: true })) =>
  new ConfigRepo({ remote, ref, cacheDir: join(repo.dir, 'cache', 'config') });

test('clones once, then each checkout fetches the ref and names its newest commit', async () => {
  const config = open();
  const first = await config.checkout();
  first.release();
  assert.is(first.commit, repo.git('rev-parse', 'HEAD').trim());
  assert.is(first.subject, 'first commit');
  assert.ok(existsSync(join(first.dir, 'a.yaml')));
  const gitDirBefore = readFileSync(join(first.dir, '.git', 'HEAD'), 'utf8');

  const second = repo.commit({ 'b.yaml': 'b: 2\n', 'a.yaml': null }, 'add b, drop a');
  const next = await config.checkout();
  next.release();
  assert.is(next.commit, second);
  assert.is(next.subject, 'add b, drop a');
  assert.ok(existsSync(join(next.dir, 'b.yaml')));
  assert.not.ok(existsSync(join(next.dir, 'a.yaml')), 'a file deleted in git is gone from the checkout');
  assert.is(readFileSync(join(next.dir, '.git', 'HEAD'), 'utf8'), gitDirBefore, 'the same clone, not a new one');
  assert.equal(readdirSync(join(repo.dir, 'cache')).sort(), ['config'], 'no temporary clone or lock file left behind');
});

test('local edits and stray files in the cache are undone: the checkout is exactly the commit', async () => {
  const config = open();
  (await config.checkout()).release();
  const dir = join(repo.dir, 'cache', 'config');
  writeFileSync(join(dir, 'a.yaml'), 'tampered: true\n');
  writeFileSync(join(dir, 'stray.yaml'), 'kind: Segment\n');
  (await config.checkout()).release();
  assert.is(readFileSync(join(dir, 'a.yaml'), 'utf8'), 'a: 1\n');
  assert.not.ok(existsSync(join(dir, 'stray.yaml')));
});

test('a tag or a commit id works as the ref', async () => {
  const tagged = repo.git('rev-parse', 'HEAD').trim();
  repo.git('tag', 'v1');
  repo.commit({ 'c.yaml': 'c: 3\n' }, 'after the tag');
  const byTag = await open('v1').checkout();
  byTag.release();
  assert.is(byTag.commit, tagged);
  const byId = await open(tagged).checkout();
  byId.release();
  assert.is(byId.commit, tagged);
});

test('an unknown ref is a failed fetch, and the next checkout of a good ref still works', async () => {
  const error = await rejects(open('no-such-branch').checkout(), /git fetch of file:.* \(no-such-branch\) failed/);
  assert.instance(error, GitCommandError);
  assert.is(error.step, 'fetch');
  const ok = await open('main').checkout();
  ok.release();
  assert.ok(ok.commit);
});

test('hooks never run, not even ones placed in the cache clone', async () => {
  const config = open();
  (await config.checkout()).release();
  const marker = join(repo.dir, 'hook-ran');
  const hooks = join(repo.dir, 'cache', 'config', '.git', 'hooks');
  for (const hook of ['reference-transaction', 'post-index-change', 'post-checkout', 'post-merge']) {
    writeFileSync(join(hooks, hook), `#!/bin/sh\necho ${hook} >> '${marker}'\n`);
    chmodSync(join(hooks, hook), 0o755);
  }
  repo.commit({ 'b.yaml': 'b: 2\n' }, 'second');
  (await config.checkout()).release();
  assert.not.ok(existsSync(marker), 'no hook ran during fetch and reset');
  // The control: the same hooks do run for plain git, so the check above means something.
  execFileSync('git', ['reset', '-q', '--hard', 'HEAD'], { cwd: join(repo.dir, 'cache', 'config') });
  assert.ok(existsSync(marker), 'plain git runs the planted hook');
});

test('git itself refuses a remote helper even if a URL got past the checks (protocol.allow=never)', async () => {
  const marker = join(repo.dir, 'ext-ran');
  // Built by hand: parseRemoteUrl would never return this.
  const url = `ext::sh -c touch% ${marker}`;
  const remote: RemoteUrl = { url, fetchUrl: url, credentials: null, protocol: 'https', display: 'ext::...', secrets: [] };
  await rejects(open('main', remote).checkout(), (e) => e instanceof GitCommandError && /transport 'ext' not allowed|not allowed/.test(e.message));
  assert.not.ok(existsSync(marker), 'the ext:: command did not run');
});

test('a ref that is an option is refused before any git process runs', () => {
  for (const ref of ['-x', '--exec=touch /tmp/x', 'main;rm -rf /']) {
    assert.throws(() => open(ref), (e: unknown) => e instanceof GitInputError);
  }
  assert.not.ok(existsSync(join(repo.dir, 'cache')), 'not even the cache directory was made');
});

test('credentials in the URL never appear in a git error', async () => {
  const remote = parseRemoteUrl('https://x-access-token:s3cretT0ken9@127.0.0.1:9/acme/config.git');
  const error = await rejects(open('main', remote).checkout(), /failed/);
  assert.not.match(error.message, /s3cretT0ken9/);
  assert.not.match(error.message, /x-access-token/);
  assert.match(error.message, /https:\/\/\*\*\*@127\.0\.0\.1:9\/acme\/config\.git/);
});

test('a second process using the same cache is refused with the holder named, until the first is done', async () => {
  const config = open();
  const held = await config.checkout();
  try {
    const error = await rejects(open().checkout(), /repository cache is in use by pid \d+/);
    assert.is(error.step, 'lock');
  } finally {
    held.release();
  }
  (await open().checkout()).release();
});

test('a cache lock left by a process on another host is honoured, unless it is over an hour old', async () => {
  const lockFile = join(repo.dir, 'cache', 'config.lock');
  (await open().checkout()).release();
  const recent = { pid: 1, host: 'another-pod', started_at: new Date(Date.now() - 60_000).toISOString() };
  writeFileSync(lockFile, JSON.stringify(recent));
  await rejects(open().checkout(), /in use by pid 1 on another-pod/);
  writeFileSync(lockFile, JSON.stringify({ ...recent, started_at: new Date(Date.now() - 2 * 3600_000).toISOString() }));
  (await open().checkout()).release();
  assert.not.ok(existsSync(lockFile), 'the stale lock was taken over and then released');
});

test('the default cache is per URL under .xandr-sync/repos', () => {
  const a = defaultCacheDir('/work', parseRemoteUrl('https://github.com/acme/a.git'));
  const b = defaultCacheDir('/work', parseRemoteUrl('https://github.com/acme/b.git'));
  assert.match(a, /^\/work\/\.xandr-sync\/repos\/[0-9a-f]{16}$/);
  assert.is.not(a, b);
});

test('a --cache that is an unrelated directory is refused by name, and nothing in it is touched', async () => {
  const dir = join(repo.dir, 'cache', 'config');
  mkdirSync(join(dir, 'notes'), { recursive: true });
  writeFileSync(join(dir, 'thesis.txt'), 'years of work\n');
  writeFileSync(join(dir, 'notes', 'n.md'), 'n\n');
  const error = await rejects(open().checkout(), (e) => e instanceof GitInputError);
  assert.is(error.field, 'path');
  assert.ok(error.message.includes(dir), error.message);
  assert.match(error.message, /not empty and is not a repository cache made by xandr-sync/);
  assert.is(readFileSync(join(dir, 'thesis.txt'), 'utf8'), 'years of work\n');
  assert.equal(readdirSync(dir).sort(), ['notes', 'thesis.txt']);
  assert.equal(readdirSync(join(repo.dir, 'cache')), ['config'], 'the lock was released');
});

test('a git clone that xandr-sync did not make is not ours either (no marker), nor is a file or a symbolic link', async () => {
  const dir = join(repo.dir, 'cache', 'config');
  mkdirSync(join(repo.dir, 'cache'));
  execFileSync('git', ['clone', '-q', repo.origin, dir]);
  writeFileSync(join(dir, 'work-in-progress.yaml'), 'x: 1\n');
  await rejects(open().checkout(), /xandr-sync-cache/);
  assert.ok(existsSync(join(dir, 'work-in-progress.yaml')));
  rmSync(dir, { recursive: true });
  writeFileSync(dir, 'a file\n');
  await rejects(open().checkout(), /is not a directory/);
  assert.is(readFileSync(dir, 'utf8'), 'a file\n');
});

test('an empty directory becomes the cache, marked as ours; the marker survives every checkout and is never a manifest', async () => {
  const dir = join(repo.dir, 'cache', 'config');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  (await open().checkout()).release();
  assert.is(statSync(dir).mode & 0o777, 0o700, 'the cache directory is 0700');
  const marker = join(dir, '.git', 'xandr-sync-cache');
  assert.is(statSync(marker).mode & 0o777, 0o600);
  assert.match(readFileSync(marker, 'utf8'), /"made_by":"xandr-sync"/);
  repo.commit({ 'b.yaml': 'b: 2\n' }, 'second');
  (await open().checkout()).release();
  assert.ok(existsSync(marker), 'git clean -ffdx does not reach into .git');
  assert.equal(readdirSync(dir).filter((f) => f !== '.git').sort(), ['a.yaml', 'b.yaml']);
});

test('a cache of ours that lost its repository is cloned again', async () => {
  (await open().checkout()).release();
  const dir = join(repo.dir, 'cache', 'config');
  rmSync(join(dir, '.git', 'HEAD'));
  const again = await open().checkout();
  again.release();
  assert.is(again.commit, repo.git('rev-parse', 'HEAD').trim());
  assert.ok(existsSync(join(dir, '.git', 'HEAD')));
});

test('a git that prints nothing for silenceTimeoutMs is stopped, and so is one whose signal is aborted', async () => {
  const saved = process.env.GIT_SSH_COMMAND;
  // An ssh that connects nowhere and never answers: git waits on it in silence.
  process.env.GIT_SSH_COMMAND = "sh -c 'sleep 5' --";
  try {
    const remote = parseRemoteUrl('ssh://git@127.0.0.1/acme/config.git');
    const cacheDir = join(repo.dir, 'cache', 'config');
    const stalled = await rejects(new ConfigRepo({ remote, ref: 'main', cacheDir, silenceTimeoutMs: 50 }).checkout(), /git clone of .* failed: it printed nothing for 50 ms and was stopped/);
    assert.is(stalled.step, 'clone');
    const controller = new AbortController();
    const pending = new ConfigRepo({ remote, ref: 'main', cacheDir }).checkout(controller.signal);
    controller.abort();
    await rejects(pending, /git clone of .* failed: cancelled/);
    assert.equal(readdirSync(join(repo.dir, 'cache')), [], 'no temporary clone or lock left behind');
  } finally {
    if (saved === undefined) delete process.env.GIT_SSH_COMMAND;
    else process.env.GIT_SSH_COMMAND = saved;
  }
});

test.run();
