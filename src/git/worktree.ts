import { runGit } from './run-git.js';

export interface WorktreeInfo {
  commit: string;
  /** Uncommitted changes (untracked files included) under the given paths. */
  dirty: boolean;
}

/**
 * The commit a plan was made from, recorded in every plan so a reviewer (and the sync job's reports)
 * can tell exactly which configuration it reflects. Null outside a git repository. git runs as run-git.ts
 * runs it: the working tree is a pull request's, and `git status` would otherwise run the clean filter
 * that its `.gitattributes` names and the operator's `~/.gitconfig` defines.
 */
export async function describeWorktree(dir: string, paths: string[] = []): Promise<WorktreeInfo | null> {
  try {
    const head = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', 'HEAD^{commit}'], { cwd: dir, step: 'describe', allowExitCodes: [1, 128] });
    const commit = head.stdout.toString('utf8').trim();
    if (head.exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(commit)) return null;
    const status = await runGit(['status', '--porcelain=v1', '-z', '--untracked-files=normal', '--ignore-submodules=all', '--', ...paths], {
      cwd: dir,
      step: 'describe',
      env: { GIT_LITERAL_PATHSPECS: '1' },
    });
    return { commit, dirty: status.stdout.length > 0 };
  } catch {
    // No git, or a path outside the repository: the plan simply records no commit.
    return null;
  }
}
