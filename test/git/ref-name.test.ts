import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { GitInputError } from '../../src/git/git-errors.js';
import { checkRefName, refNameProblem } from '../../src/git/ref-name.js';

const test = suite('ref names');

const SAMPLES = [
  'main', 'feature/x', 'release/2026-01', 'v1.2.3', '3f2c1a0', 'a;b', 'a@b', '@', '@a', 'é', 'a/-b', 'refs/heads/main',
  '..', 'a..b', 'a/.b', '.a', 'a.lock', 'x.lock/y', '.lock', 'a/', '/a', 'a//b', 'a.', 'a@{b', '@{-1}',
  'a b', 'main;rm -rf', 'a~1', 'a^', 'a:b', 'a?b', 'a*b', 'a[b', 'a\\b', 'a\u0001b', 'a\u007fb', 'a\tb', 'HEAD',
];

test('agrees with git check-ref-format --branch on every sample', () => {
  for (const ref of SAMPLES) {
    // An argument array, no shell: the sample is data even where it looks like a command.
    const git = spawnSync('git', ['check-ref-format', '--branch', ref], { encoding: 'utf8' });
    const gitAccepts = git.status === 0;
    assert.is(refNameProblem(ref) === null, gitAccepts, `${JSON.stringify(ref)}: git says ${gitAccepts ? 'valid' : 'invalid'}, we say ${refNameProblem(ref) ?? 'valid'}`);
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
