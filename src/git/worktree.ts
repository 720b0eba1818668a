import { simpleGit } from 'simple-git';

export interface WorktreeInfo {
  commit: string;
  /** Uncommitted changes under the given paths. */
  dirty: boolean;
}

/**
 * The commit a plan was made from, recorded in every plan so a reviewer (and the sync job's reports)
 * can tell exactly which configuration it reflects. Null outside a git repository.
 */
export async function describeWorktree(dir: string, paths: string[] = []): Promise<WorktreeInfo | null> {
  try {
    const git = simpleGit({ baseDir: dir });
    if (!(await git.checkIsRepo())) return null;
    const commit = (await git.revparse(['HEAD'])).trim();
    const status = await git.status(paths.length ? ['--', ...paths] : []);
    return { commit, dirty: !status.isClean() };
  } catch {
    // No git, no commits yet, or not a repository: the plan simply records no commit.
    return null;
  }
}
