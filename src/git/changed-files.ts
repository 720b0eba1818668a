import { copyFileSync, existsSync, mkdtempSync, realpathSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { GitCommandError, GitInputError } from './git-errors.js';
import { checkRevision, resolveCommit } from './revision.js';
import { runGit, type RunGitOptions } from './run-git.js';

/** One file that differs between the commit and the working tree. Paths are relative to the repository root, with '/'. */
export type FileChange =
  | { status: 'added'; path: string }
  | { status: 'modified' | 'deleted'; path: string; previousText: string }
  | { status: 'renamed'; path: string; previousPath: string; previousText: string };

export interface ChangedFiles {
  /** The full id of the commit the revision named. */
  commit: string;
  /** The repository's top-level directory, absolute: the paths of `changes` are relative to it. */
  root: string;
  /** Sorted by path. */
  changes: FileChange[];
}

/** Modes of what a document can be: a file, an executable file, a symbolic link (not a submodule, 160000). */
const FILE_MODES = new Set(['100644', '100755', '120000']);

/**
 * The files under `paths` (relative to `repoDir`, or absolute; none means the whole repository) that differ
 * between the commit `rev` names and the working tree as it is now: committed, staged, unstaged and
 * untracked changes alike; ignored files are not looked at. Renames are git's own (`-M`), across untracked
 * files too. `previousText` is the file's content at the commit.
 *
 * Untracked files join the comparison as intent-to-add entries of a private copy of the index, so the
 * repository's own index is never written, and no object is added to it but git's empty blob (what an
 * intent-to-add entry records). All old contents are read by one
 * `git cat-file --batch` process, whatever their number. git runs as run-git.ts runs it: a `.gitattributes`
 * naming a filter runs no program while git hashes the working tree.
 */
export async function changedFilesSince(repoDir: string, rev: string, paths: string[] = [], options: { signal?: AbortSignal } = {}): Promise<ChangedFiles> {
  checkRevision(rev);
  const root = await topLevel(repoDir, options.signal);
  const commit = await resolveCommit(root, rev, options.signal);
  const pathspecs = paths.map((path) => rootRelative(root, repoDir, path));
  const scratch = mkdtempSync(join(tmpdir(), 'xandr-sync-index-'));
  try {
    const index = join(scratch, 'index');
    const git = (args: string[], more: Partial<RunGitOptions> = {}) =>
      runGit(args, { cwd: root, step: 'changes', signal: options.signal, ...more, env: { GIT_INDEX_FILE: index, GIT_LITERAL_PATHSPECS: '1' } });
    // Asked without GIT_INDEX_FILE, which --git-path would answer with.
    const indexPath = await runGit(['rev-parse', '--git-path', 'index'], { cwd: root, step: 'changes', signal: options.signal });
    const realIndex = resolve(root, indexPath.stdout.toString('utf8').trim());
    if (existsSync(realIndex)) {
      // The copy keeps the index's stat cache, so only files touched since are hashed again. It must keep
      // the index's mtime too (or an earlier one): git trusts an entry's stat data only when the file is
      // older than the index (racy-git), and a fresh mtime would hide a same-size edit made in the second
      // the index was written.
      const { atime, mtimeMs } = statSync(realIndex);
      copyFileSync(realIndex, index);
      utimesSync(index, atime, new Date(Math.floor(mtimeMs) - 1));
    }
    const untracked = (await git(['ls-files', '-z', '--others', '--exclude-standard', '--', ...pathspecs])).stdout;
    if (untracked.length > 0) await git(['add', '--intent-to-add', '--pathspec-from-file=-', '--pathspec-file-nul'], { input: untracked });
    const diff = await git(['diff', '--raw', '-z', '--no-abbrev', '-M', '--no-ext-diff', '--no-textconv', '--no-color', '--no-relative', '--ignore-submodules=all', commit, '--', ...pathspecs]);
    const entries = parseRawDiff(diff.stdout.toString('utf8'));
    const texts = await readBlobs(root, entries.flatMap((e) => (e.status === 'added' ? [] : [e.oldOid])), options.signal);
    const changes = entries.map((entry): FileChange => {
      if (entry.status === 'added') return { status: 'added', path: entry.path };
      const previousText = texts.get(entry.oldOid)!;
      if (entry.status === 'renamed') return { status: 'renamed', path: entry.path, previousPath: entry.previousPath, previousText };
      return { status: entry.status, path: entry.path, previousText };
    });
    changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { commit, root, changes };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function topLevel(dir: string, signal?: AbortSignal): Promise<string> {
  const result = await runGit(['rev-parse', '--show-toplevel'], { cwd: dir, step: 'changes', allowExitCodes: [128], signal });
  const top = result.stdout.toString('utf8').trim();
  if (result.exitCode !== 0 || top === '') {
    const why = result.stderr.trim().split('\n')[0]?.replace(/^fatal: /, '') || 'git found no repository';
    throw new GitInputError(`${dir} is not inside a git working tree git will read: ${why}`, 'path');
  }
  return resolve(top);
}

/**
 * `path` as git wants it with literal pathspecs from the top level: relative to the root, with '/'.
 * Compared through real paths, because git prints the root with symbolic links resolved.
 */
function rootRelative(root: string, repoDir: string, path: string): string {
  const absolute = resolve(repoDir, path);
  const rel = relative(realpathSync(root), realIfExists(absolute));
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new GitInputError(`refusing path ${JSON.stringify(path)}: it is outside the repository at ${root}`, 'path');
  }
  return rel === '' ? '.' : rel.split(sep).join('/');
}

/** The real path of `path`, or of its nearest existing parent with the rest appended (a deleted directory). */
function realIfExists(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  return parent === path ? path : join(realIfExists(parent), basename(path));
}

type RawEntry =
  | { status: 'added'; path: string }
  | { status: 'modified' | 'deleted'; path: string; oldOid: string }
  | { status: 'renamed'; path: string; previousPath: string; oldOid: string };

/**
 * `git diff --raw -z`: for each change, `:<old mode> <new mode> <old oid> <new oid> <status>` and then its
 * path, or for a rename (R<score>) or copy (C<score>) the old and the new path, each NUL-terminated. A
 * submodule is no document: a file that became one counts as deleted, one that became a file as added.
 */
function parseRawDiff(raw: string): RawEntry[] {
  const fields = raw.split('\0');
  const entries: RawEntry[] = [];
  for (let i = 0; i < fields.length && fields[i] !== ''; ) {
    const header = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])(\d*)$/.exec(fields[i++]!);
    if (!header) throw new GitCommandError(`git diff printed a line this version of xandr-sync cannot read: ${JSON.stringify(fields[i - 1]!.slice(0, 80))}`, 'changes');
    const [, oldMode, newMode, oldOid, , letter] = header as unknown as [string, string, string, string, string, string];
    const first = fields[i++]!;
    const second = letter === 'R' || letter === 'C' ? fields[i++]! : undefined;
    const wasFile = FILE_MODES.has(oldMode!);
    const isFile = FILE_MODES.has(newMode!);
    if (letter === 'R' || letter === 'C') {
      if (letter === 'R' && wasFile && isFile) entries.push({ status: 'renamed', path: second!, previousPath: first, oldOid });
      else if (isFile) entries.push({ status: 'added', path: second! });
    } else if (letter === 'A') {
      if (isFile) entries.push({ status: 'added', path: first });
    } else if (letter === 'D') {
      if (wasFile) entries.push({ status: 'deleted', path: first, oldOid });
    } else if (wasFile && isFile) entries.push({ status: 'modified', path: first, oldOid });
    else if (wasFile) entries.push({ status: 'deleted', path: first, oldOid });
    else if (isFile) entries.push({ status: 'added', path: first });
  }
  return entries;
}

/** The contents of the given blobs, by id, through one `git cat-file --batch`. */
async function readBlobs(root: string, oids: string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const unique = [...new Set(oids)];
  const texts = new Map<string, string>();
  if (unique.length === 0) return texts;
  const { stdout } = await runGit(['cat-file', '--batch', '--buffer'], { cwd: root, step: 'changes', input: `${unique.join('\n')}\n`, signal });
  let at = 0;
  for (const oid of unique) {
    const eol = stdout.indexOf(0x0a, at);
    const header = stdout.toString('utf8', at, eol < 0 ? stdout.length : eol).split(' ');
    if (eol < 0 || header[0] !== oid || header[1] !== 'blob') {
      throw new GitCommandError(`git cat-file could not read ${oid} (${header.slice(1).join(' ') || 'no answer'})`, 'changes');
    }
    const size = Number(header[2]);
    texts.set(oid, stdout.toString('utf8', eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return texts;
}
