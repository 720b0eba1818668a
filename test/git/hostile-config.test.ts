import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changedFilesSince } from '../../src/git/changed-files.js';
import { ConfigRepo } from '../../src/git/config-repo.js';
import { parseRemoteUrl } from '../../src/git/remote-url.js';
import { describeWorktree } from '../../src/git/worktree.js';
import { gitSpy, type GitCall, type GitSpy } from './git-spy.js';
import { HOSTILE_ATTRIBUTES, hostileGitConfig, type HostileGitConfig } from './hostile-git-config.js';
import { repoFixture, type RepoFixture } from './repo-fixture.js';

/**
 * A pull request adds `.gitattributes` with `* filter=evil diff=evil merge=evil`; the operator's git
 * configuration (every place git reads it from outside the repository) defines `evil` as a program. Each
 * control shows plain git runs it in the same situation; xandr-sync's git must not.
 */
const test = suite('git runs with nothing of the operator configuration');
let repo: RepoFixture;
let hostile: HostileGitConfig;
let spy: GitSpy;

test.before.each(() => {
  repo = repoFixture({ '.gitattributes': HOSTILE_ATTRIBUTES, 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 2\n' }, 'attributes from a pull request');
  hostile = hostileGitConfig();
  spy = gitSpy();
});
test.after.each(() => {
  hostile.restore();
  spy.restore();
  hostile.cleanup();
  spy.cleanup();
  repo.cleanup();
});

/** Plain git, as the operator's shell would run it. */
const plainGit = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env: { ...process.env, ...hostile.env }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

/** A file whose stat no longer matches the index, so git must read (and filter) its content again. */
const touch = (file: string) => {
  const later = new Date(Date.now() + 60_000 + Math.floor(Math.random() * 60_000));
  utimesSync(file, later, later);
};

function assertHardened(calls: GitCall[]) {
  assert.ok(calls.length > 0, 'the spy saw git run');
  for (const { argv, env } of calls) {
    const what = argv.find((a) => !a.includes('=') && a !== '-c') ?? '?';
    assert.match(env.HOME ?? '', /xandr-sync-git-home-/, `git ${what}: HOME is its own empty directory`);
    assert.is(env.GIT_CONFIG_GLOBAL, '/dev/null', `git ${what}: no global config`);
    assert.is(env.GIT_CONFIG_NOSYSTEM, '1', `git ${what}: no system config`);
    assert.is(env.XDG_CONFIG_HOME, undefined, `git ${what}: XDG_CONFIG_HOME unset`);
    assert.is(env.GIT_CONFIG_COUNT, undefined, `git ${what}: the ambient GIT_CONFIG_COUNT is not passed`);
    assert.ok(argv.includes('core.hooksPath=/dev/null') && argv.includes('core.fsmonitor=false'), `git ${what}: hooks and fsmonitor off`);
  }
}

test('sync checkout: clone, fetch and reset run no filter, driver, hook or fsmonitor', async () => {
  plainGit(repo.dir, 'clone', '-q', repo.origin, 'control');
  assert.ok(hostile.ran().includes('smudge'), `control: plain git clone runs the smudge filter (${hostile.ran()})`);
  hostile.reset();

  const config = new ConfigRepo({ remote: parseRemoteUrl(repo.url, { allowFile: true }), ref: 'main', cacheDir: join(repo.dir, 'cache') });
  const second = repo.commit({ 'b.yaml': 'b: 3\n', 'c.yaml': 'c: 1\n' }, 'second');
  hostile.install();
  spy.install();
  try {
    (await config.checkout()).release();
    touch(join(repo.dir, 'cache', 'a.yaml'));
    const next = await config.checkout();
    next.release();
    assert.is(next.commit, second);
  } finally {
    spy.restore();
    hostile.restore();
  }
  assert.equal(hostile.ran(), [], 'nothing of the operator configuration ran');
  assert.is(readFileSync(join(repo.dir, 'cache', 'c.yaml'), 'utf8'), 'c: 1\n');
  assertHardened(spy.calls());
});

test('plan: describing the working tree runs no clean filter and no fsmonitor', async () => {
  touch(join(repo.origin, 'a.yaml'));
  plainGit(repo.origin, 'status', '--porcelain');
  assert.ok(hostile.ran().includes('clean'), `control: plain git status runs the clean filter (${hostile.ran()})`);
  hostile.reset();

  touch(join(repo.origin, 'a.yaml'));
  hostile.install();
  spy.install();
  let info;
  try {
    info = await describeWorktree(repo.origin);
  } finally {
    spy.restore();
    hostile.restore();
  }
  assert.equal(info, { commit: repo.git('rev-parse', 'HEAD').trim(), dirty: false });
  assert.equal(hostile.ran(), []);
  assertHardened(spy.calls());
});

test('plan --changed-since: comparing with the working tree runs no clean filter, textconv or fsmonitor', async () => {
  const base = repo.git('rev-parse', 'HEAD').trim();
  writeFileSync(join(repo.origin, 'b.yaml'), 'b: 4\n');
  writeFileSync(join(repo.origin, 'new.yaml'), 'n: 1\n');
  touch(join(repo.origin, 'a.yaml'));
  plainGit(repo.origin, 'diff', base);
  assert.ok(hostile.ran().includes('clean'), `control: plain git diff runs the clean filter (${hostile.ran()})`);
  hostile.reset();

  touch(join(repo.origin, 'a.yaml'));
  hostile.install();
  spy.install();
  let changed;
  try {
    changed = await changedFilesSince(repo.origin, base);
  } finally {
    spy.restore();
    hostile.restore();
  }
  assert.equal(changed.changes, [
    { status: 'modified', path: 'b.yaml', previousText: 'b: 2\n' },
    { status: 'added', path: 'new.yaml' },
  ]);
  assert.equal(hostile.ran(), []);
  assertHardened(spy.calls());
});

test.run();
