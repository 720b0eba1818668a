import { GitInputError } from './git-errors.js';
import { runGit } from './run-git.js';

const MAX_REVISION_LENGTH = 1024;

/**
 * Why `rev` cannot be a revision xandr-sync hands to git, or null. Any revision git can resolve to one
 * commit is welcome (a branch, `origin/main`, a tag, a commit id, `HEAD~3`); refused are a leading '-'
 * (git would read an option: `--output=...`), control characters, and ranges, which name no single commit.
 */
function revisionProblem(rev: string): string | null {
  if (rev.length === 0) return 'it is empty';
  if (rev.length > MAX_REVISION_LENGTH) return `it is longer than ${MAX_REVISION_LENGTH} characters`;
  if (rev.startsWith('-')) return "it starts with '-', so git would read it as an option";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(rev)) return 'it contains control characters';
  if (rev.includes('..')) return "it is a range ('..'); name one commit";
  return null;
}

/** Throws GitInputError unless `rev` passes revisionProblem; for checking a flag before anything runs. */
export function checkRevision(rev: string): string {
  const problem = revisionProblem(rev);
  if (problem) throw new GitInputError(`refusing revision ${shown(rev)}: ${problem}`, 'ref');
  return rev;
}

/**
 * The full id of the commit `rev` names in the repository at `dir`: `git rev-parse --verify --quiet
 * --end-of-options <rev>^{commit}`, so a tag is followed to its commit and a tree, a blob or anything
 * ambiguous is refused. A GitInputError says the revision names no commit (with the hint a shallow clone
 * needs); a GitCommandError, that git itself failed.
 */
export async function resolveCommit(dir: string, rev: string, signal?: AbortSignal): Promise<string> {
  checkRevision(rev);
  const result = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
    cwd: dir,
    step: 'resolve',
    allowExitCodes: [1, 128],
    signal,
  });
  const commit = result.stdout.toString('utf8').trim();
  if (result.exitCode === 0 && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) return commit;
  if (/not a git repository|dubious ownership/i.test(result.stderr)) {
    throw new GitInputError(`${dir} is not a git working tree git will read: ${firstLine(result.stderr)}`, 'path');
  }
  throw new GitInputError(
    `refusing revision ${shown(rev)}: it does not name a commit in the repository at ${dir} (in a shallow clone, fetch the history that holds it)`,
    'ref',
  );
}

function shown(rev: string): string {
  return JSON.stringify(rev.length > 80 ? `${rev.slice(0, 77)}...` : rev);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.replace(/^fatal: /, '') ?? '';
}
