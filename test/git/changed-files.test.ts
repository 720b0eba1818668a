import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changedFilesSince } from '../../src/git/changed-files.js';
import { GitInputError } from '../../src/git/git-errors.js';
import { checkRevision } from '../../src/git/revision.js';
import { rejects } from '../helpers/assert.js';
import { gitSpy } from './git-spy.js';
import { repoFixture, type RepoFixture } from './repo-fixture.js';

const test = suite('changed files since a ref');
let repo: RepoFixture;
let base: string;

const SEGMENT = (name: string) => `apiVersion: xandr-sync/v1\nkind: Segment\nmetadata:\n  name: ${name}\nspec:\n  short_name: ${name} segment, long enough to be recognised when renamed\n`;

test.before.each(() => {
  repo = repoFixture(
    {
      'config/xandr-sync.yaml': 'kind: Config\n',
      'config/keep.yaml': SEGMENT('keep'),
      'config/edit.yaml': SEGMENT('edit'),
      'config/gone.yaml': SEGMENT('gone'),
      'config/move.yaml': SEGMENT('move'),
      'config/sub/deep.yaml': SEGMENT('deep'),
      'other/x.yaml': SEGMENT('x'),
      '.gitignore': 'config/*.local.yaml\n',
    },
    'base',
  );
  base = repo.git('rev-parse', 'HEAD').trim();
});
test.after.each(() => repo.cleanup());

const file = (path: string) => join(repo.origin, path);
const write = (path: string, text: string) => {
  mkdirSync(join(file(path), '..'), { recursive: true });
  writeFileSync(file(path), text);
};

test('committed, staged, unstaged and untracked changes alike, with git renames and the old contents', async () => {
  repo.commit({ 'config/edit.yaml': `${SEGMENT('edit')}  expire_minutes: 10\n` }, 'a commit since base');
  rmSync(file('config/gone.yaml'));
  renameSync(file('config/move.yaml'), file('config/moved.yaml')); // untracked new name, not staged
  write('config/sub/deep.yaml', SEGMENT('deeper'));
  repo.git('add', 'config/sub/deep.yaml'); // staged only
  write('config/fresh.yaml', SEGMENT('fresh')); // untracked
  write('config/mine.local.yaml', SEGMENT('ignored')); // ignored
  write('other/x.yaml', SEGMENT('y')); // outside the paths

  const result = await changedFilesSince(repo.origin, base, ['config']);
  assert.is(result.commit, base);
  assert.equal(result.changes, [
    { status: 'modified', path: 'config/edit.yaml', previousText: SEGMENT('edit') },
    { status: 'added', path: 'config/fresh.yaml' },
    { status: 'deleted', path: 'config/gone.yaml', previousText: SEGMENT('gone') },
    { status: 'renamed', path: 'config/moved.yaml', previousPath: 'config/move.yaml', previousText: SEGMENT('move') },
    { status: 'modified', path: 'config/sub/deep.yaml', previousText: SEGMENT('deep') },
  ]);
  const everything = await changedFilesSince(repo.origin, base);
  assert.ok(everything.changes.some((c) => c.path === 'other/x.yaml'), 'no paths: the whole repository');
});

test('the repository is left as it was: its index is not written and no object is added but the empty blob', async () => {
  write('config/fresh.yaml', SEGMENT('fresh'));
  write('config/keep.yaml', SEGMENT('kept'));
  // Plain git status refreshes the index: before the copy is taken.
  const status = repo.git('status', '--porcelain');
  const index = readFileSync(join(repo.origin, '.git', 'index'));
  const objects = () => new Set(repo.git('cat-file', '--batch-all-objects', '--batch-check=%(objectname)').split('\n').filter(Boolean));
  const before = objects();
  await changedFilesSince(repo.origin, base, ['config']);
  assert.ok(readFileSync(join(repo.origin, '.git', 'index')).equals(index), 'the index is byte for byte the same');
  const added = [...objects()].filter((o) => !before.has(o));
  const emptyBlob = repo.git('hash-object', '-t', 'blob', '/dev/null').trim();
  assert.ok(added.every((o) => o === emptyBlob), `only git's empty blob, which intent-to-add records, is written (${added})`);
  assert.is(repo.git('status', '--porcelain'), status, 'the untracked file is still untracked');
});

test('paths are relative to the directory given and come back relative to the root, with /', async () => {
  write('config/sub/new.yaml', SEGMENT('new'));
  const result = await changedFilesSince(join(repo.origin, 'config'), base, ['sub']);
  assert.is(result.root, repo.origin);
  assert.equal(result.changes, [{ status: 'added', path: 'config/sub/new.yaml' }]);
  assert.equal((await changedFilesSince(join(repo.origin, 'config'), base, [join(repo.origin, 'config', 'sub')])).changes, result.changes, 'an absolute path works too');
  assert.equal((await changedFilesSince(repo.origin, base, ['config/*.yaml'])).changes, [], 'a path is literal, not a glob');
  const error = await rejects(changedFilesSince(join(repo.origin, 'config'), base, ['../../elsewhere']), (e) => e instanceof GitInputError && e.field === 'path');
  assert.match(error.message, /outside the repository/);
});

test('the ref may be a branch, a remote branch, a tag (annotated too), a commit id or HEAD~N', async () => {
  repo.git('tag', 'v1');
  repo.git('tag', '-a', '-m', 'release', 'v1-annotated');
  repo.git('branch', 'base-branch');
  repo.commit({ 'config/edit.yaml': SEGMENT('edited') }, 'second');
  repo.commit({ 'config/keep.yaml': SEGMENT('kept') }, 'third');
  const clone = join(repo.dir, 'clone');
  execFileSync('git', ['clone', '-q', repo.origin, clone]);
  execFileSync('git', ['reset', '-q', '--hard', 'HEAD~2'], { cwd: clone });
  for (const ref of ['base-branch', 'v1', 'v1-annotated', base, base.slice(0, 12), 'HEAD~2']) {
    assert.is((await changedFilesSince(repo.origin, ref, ['config'])).commit, base, ref);
  }
  // In the clone, HEAD is base and origin/main two commits ahead.
  const fromRemote = await changedFilesSince(clone, 'origin/main', ['config']);
  assert.is(fromRemote.commit, repo.git('rev-parse', 'HEAD').trim());
  assert.equal(fromRemote.changes.map((c) => [c.status, c.path]), [['modified', 'config/edit.yaml'], ['modified', 'config/keep.yaml']]);
});

test('anything that does not name a commit is refused, saying so; options are refused before git runs', async () => {
  const tree = repo.git('rev-parse', 'HEAD^{tree}').trim();
  const blob = repo.git('rev-parse', 'HEAD:config/keep.yaml').trim();
  for (const ref of ['no-such-branch', tree, blob, 'HEAD~99', 'HEAD:config']) {
    const error = await rejects(changedFilesSince(repo.origin, ref), (e) => e instanceof GitInputError && e.field === 'ref', ref);
    assert.match(error.message, /does not name a commit/, ref);
  }
  const cases: [string, RegExp][] = [
    ['-x', /starts with '-'/],
    ['--end-of-options', /starts with '-'/],
    ['--output=/tmp/pwned', /starts with '-'/],
    ['main..HEAD', /range/],
    ['a\nb', /control characters/],
    ['', /empty/],
  ];
  const spy = gitSpy();
  spy.install();
  try {
    for (const [ref, why] of cases) {
      assert.throws(() => checkRevision(ref), (e: unknown) => e instanceof GitInputError && why.test((e as Error).message), ref);
      await rejects(changedFilesSince(repo.origin, ref), why, JSON.stringify(ref));
    }
  } finally {
    spy.restore();
  }
  assert.equal(spy.calls(), [], 'no git process ran for any of them');
  spy.cleanup();
});

test('a shallow clone without the base commit is told to fetch more history', async () => {
  const second = repo.commit({ 'config/edit.yaml': SEGMENT('edited') }, 'second');
  const shallow = join(repo.dir, 'shallow');
  execFileSync('git', ['clone', '-q', '--depth', '1', repo.url, shallow]);
  assert.is((await changedFilesSince(shallow, second)).changes.length, 0);
  await rejects(changedFilesSince(shallow, base), /does not name a commit .*shallow clone, fetch the history/);
});

test('outside a repository: a path error', async () => {
  await rejects(changedFilesSince(repo.dir, 'HEAD'), (e) => e instanceof GitInputError && e.field === 'path' && /not inside a git working tree/.test(e.message));
});

test('many changed files: their old contents are read by one git process', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 200; i++) files[`config/many/s${i}.yaml`] = SEGMENT(`s${i}`);
  const before = repo.commit(files, 'many');
  for (let i = 0; i < 200; i++) write(`config/many/s${i}.yaml`, `${SEGMENT(`s${i}`)}  expire_minutes: ${i}\n`);
  const spy = gitSpy();
  spy.install();
  let result;
  try {
    result = await changedFilesSince(repo.origin, before, ['config/many']);
  } finally {
    spy.restore();
  }
  assert.is(result.changes.length, 200);
  assert.ok(result.changes.every((c, i) => c.status === 'modified' && c.previousText === SEGMENT(c.path.replace(/^config\/many\/|\.yaml$/g, '')) && i >= 0));
  const calls = spy.calls();
  spy.cleanup();
  assert.is(calls.filter(({ argv }) => argv.includes('cat-file')).length, 1);
  assert.ok(calls.length <= 6, `a fixed number of git processes (${calls.length})`);
  assert.not.ok(calls.some(({ argv }) => argv.includes('add')), 'no file was untracked, so none was added to the private index');
});

test('a same-size edit in the second the index was written is still seen (racy git)', async () => {
  const keep = file('config/keep.yaml');
  const edited = SEGMENT('keep').replace('keep segment', 'KEEP segment');
  assert.is(edited.length, SEGMENT('keep').length);
  const second = new Date(Math.floor(Date.now() / 1000) * 1000 - 5000);
  // The index entry records the file at `second`; the edit keeps its size and mtime; the index is of that
  // same second. Only git's racy-git check (file not older than the index: look at the content) sees it.
  utimesSync(keep, second, second);
  repo.git('add', 'config/keep.yaml');
  writeFileSync(keep, edited);
  utimesSync(keep, second, second);
  utimesSync(join(repo.origin, '.git', 'index'), second, second);
  const result = await changedFilesSince(repo.origin, base, ['config/keep.yaml']);
  assert.equal(result.changes, [{ status: 'modified', path: 'config/keep.yaml', previousText: SEGMENT('keep') }]);
});

test.run();
