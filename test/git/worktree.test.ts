import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWorktree } from '../../src/git/worktree.js';
import { repoFixture, type RepoFixture } from './repo-fixture.js';

const test = suite('the working tree a plan is made from');
let repo: RepoFixture;

test.before.each(() => {
  repo = repoFixture({ 'config/a.yaml': 'a: 1\n', 'README.md': 'r\n' }, 'first');
});
test.after.each(() => repo.cleanup());

test('names HEAD, and is dirty only for changes under the given paths (untracked files count)', async () => {
  const head = repo.git('rev-parse', 'HEAD').trim();
  assert.equal(await describeWorktree(repo.origin), { commit: head, dirty: false });
  writeFileSync(join(repo.origin, 'README.md'), 'changed\n');
  assert.equal(await describeWorktree(repo.origin, ['config']), { commit: head, dirty: false }, 'a change elsewhere does not count');
  assert.equal(await describeWorktree(repo.origin), { commit: head, dirty: true });
  writeFileSync(join(repo.origin, 'config', 'new.yaml'), 'n: 1\n');
  assert.equal(await describeWorktree(repo.origin, ['config']), { commit: head, dirty: true }, 'an untracked manifest counts');
  assert.equal(await describeWorktree(join(repo.origin, 'config'), ['a.yaml']), { commit: head, dirty: false }, 'paths are relative to the directory');
});

test('an ignored file is not a change; a path is a path, not a pattern', async () => {
  writeFileSync(join(repo.origin, '.gitignore'), 'config/*.tmp\n');
  repo.commit({}, 'ignore');
  writeFileSync(join(repo.origin, 'config', 'x.tmp'), 'scratch\n');
  mkdirSync(join(repo.origin, 'other'));
  writeFileSync(join(repo.origin, 'other', 'b.yaml'), 'b: 1\n');
  assert.is((await describeWorktree(repo.origin, ['config']))?.dirty, false);
  assert.is((await describeWorktree(repo.origin, ['*.yaml']))?.dirty, false, "'*.yaml' names no file, so matches nothing");
});

test('outside a repository, or before the first commit, there is no commit to record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xandr-sync-no-repo-'));
  try {
    assert.is(await describeWorktree(dir), null);
    repo.git('init', '-q', join(dir, 'empty'));
    assert.is(await describeWorktree(join(dir, 'empty')), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
