import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A real git repository in a temporary directory, for the config-repository and sync tests. */
export interface RepoFixture {
  /** The temporary directory; the repository is `dir/origin`, and tests may put other things beside it. */
  dir: string;
  origin: string;
  url: string;
  /** Writes the files (null deletes one), commits them, and returns the new commit id. */
  commit(files: Record<string, string | null>, message: string): string;
  git(...args: string[]): string;
  cleanup(): void;
}

export function repoFixture(files: Record<string, string> = {}, message = 'initial'): RepoFixture {
  const dir = mkdtempSync(join(tmpdir(), 'xandr-sync-repo-'));
  const origin = join(dir, 'origin');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd: origin,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  mkdirSync(origin);
  git('init', '-q', '-b', 'main');
  const commit = (more: Record<string, string | null>, text: string) => {
    for (const [path, content] of Object.entries(more)) {
      const full = join(origin, path);
      if (content === null) rmSync(full, { force: true });
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', text);
    return git('rev-parse', 'HEAD').trim();
  };
  commit(files, message);
  return { dir, origin, url: `file://${origin}`, commit, git, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
