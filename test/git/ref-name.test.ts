import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GitInputError } from '../../src/git/git-errors.js';
import { checkRefName, refNameProblem } from '../../src/git/ref-name.js';
import { gitEnvironment } from '../../src/git/run-git.js';
import { repoFixture } from './repo-fixture.js';

const test = suite('ref names');

const SAMPLES = [
  'main', 'feature/x', 'release/2026-01', 'v1.2.3', '3f2c1a0', 'a;b', 'a@b', '@', '@a', 'é', 'a/-b', 'refs/heads/main',
  '..', 'a..b', 'a/.b', '.a', 'a.lock', 'x.lock/y', '.lock', 'a/', '/a', 'a//b', 'a.', 'a@{b', '@{-1}',
  'a b', 'main;rm -rf', 'a~1', 'a^', 'a:b', 'a?b', 'a*b', 'a[b', 'a\\b', 'a\u0001b', 'a\u007fb', 'a\tb', 'HEAD',
];

/**
 * `git check-ref-format --branch` run where nothing can sway it: in an empty directory outside any
 * repository (inside one, `@{-1}` resolves against the reflog and passes when there was a previous
 * branch), with git's discovery stopped there and the environment xandr-sync's own git gets (no user or
 * system configuration).
 */
function gitSays(ref: string, cwd: string, home: string): boolean {
  // An argument array, no shell: the sample is data even where it looks like a command.
  const git = spawnSync('git', ['check-ref-format', '--branch', ref], { cwd, env: { ...gitEnvironment(home), GIT_CEILING_DIRECTORIES: dirname(cwd) }, encoding: 'utf8' });
  return git.status === 0;
}

test('agrees with git check-ref-format --branch on every sample', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xandr-sync-refs-'));
  try {
    mkdirSync(join(dir, 'home'));
    mkdirSync(join(dir, 'empty'));
    for (const ref of SAMPLES) {
      const gitAccepts = gitSays(ref, join(dir, 'empty'), join(dir, 'home'));
      assert.is(refNameProblem(ref) === null, gitAccepts, `${JSON.stringify(ref)}: git says ${gitAccepts ? 'valid' : 'invalid'}, we say ${refNameProblem(ref) ?? 'valid'}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the check above does not depend on the checkout it runs in: inside a repository with a previous branch, git accepts @{-1}', () => {
  const repo = repoFixture();
  try {
    repo.git('checkout', '-q', '-b', 'previous');
    repo.git('checkout', '-q', 'main');
    const inside = spawnSync('git', ['check-ref-format', '--branch', '@{-1}'], { cwd: repo.origin, encoding: 'utf8' });
    assert.is(inside.status, 0, 'the situation that made the old test flaky');
    mkdirSync(join(repo.dir, 'home'));
    mkdirSync(join(repo.dir, 'empty'));
    assert.is(gitSays('@{-1}', join(repo.dir, 'empty'), join(repo.dir, 'home')), false, 'outside any repository, git refuses it, as we do');
  } finally {
    repo.cleanup();
  }
});

test('option look-alikes and the listed attacks are refused, with the reason', () => {
  const cases: [string, RegExp][] = [
    ['-x', /starts with '-'/],
    ['--exec=touch /tmp/x', /starts with '-'/],
    ['--upload-pack=x', /starts with '-'/],
    ['main;rm -rf', /a space/],
    ['..', /'\.\.'/],
    ['a..b', /'\.\.'/],
    ['a\nb', /control character \(U\+000A\)/],
    ['', /empty/],
    ['a'.repeat(300), /longer than 255/],
  ];
  for (const [ref, why] of cases) {
    let caught: unknown;
    try {
      checkRefName(ref);
    } catch (error) {
      caught = error;
    }
    assert.instance(caught, GitInputError, JSON.stringify(ref));
    assert.match((caught as Error).message, why, JSON.stringify(ref));
    assert.is((caught as GitInputError).field, 'ref');
  }
});

test('branch, tag and commit names pass unchanged', () => {
  for (const ref of ['main', 'production', 'release/2026-q1', 'v2.0.0', '0123456789abcdef0123456789abcdef01234567']) assert.is(checkRefName(ref), ref);
});

test.run();
