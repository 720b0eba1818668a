import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** One git process as the spy saw it start. */
export interface GitCall {
  argv: string[];
  env: Record<string, string>;
}

/**
 * A `git` first on PATH that records each invocation's arguments and environment, then execs the real
 * git: what every git process xandr-sync starts was really given, not what the code meant to give it.
 */
export interface GitSpy {
  calls(): GitCall[];
  /** Puts the spy first on process.env.PATH until restore(). */
  install(): void;
  restore(): void;
  cleanup(): void;
}

export function gitSpy(): GitSpy {
  const dir = mkdtempSync(join(tmpdir(), 'xandr-sync-git-spy-'));
  const log = join(dir, 'log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  mkdirSync(log);
  writeFileSync(
    join(dir, 'git'),
    `#!/bin/sh\ncall="${log}/$(date +%s%N).$$"\nprintf '%s\\0' "$@" > "$call.argv"\nenv -0 > "$call.env"\nexec '${realGit}' "$@"\n`,
  );
  chmodSync(join(dir, 'git'), 0o755);
  let savedPath: string | undefined;
  return {
    calls: () =>
      readdirSync(log)
        .filter((f) => f.endsWith('.argv'))
        .sort()
        .map((f) => {
          const base = f.slice(0, -'.argv'.length);
          const argv = readFileSync(join(log, f), 'utf8').split('\0').slice(0, -1);
          const env: Record<string, string> = {};
          for (const entry of readFileSync(join(log, `${base}.env`), 'utf8').split('\0').slice(0, -1)) {
            const eq = entry.indexOf('=');
            env[entry.slice(0, eq)] = entry.slice(eq + 1);
          }
          return { argv, env };
        }),
    install: () => {
      savedPath = process.env.PATH;
      process.env.PATH = `${dir}${delimiter}${savedPath ?? ''}`;
    },
    restore: () => {
      if (savedPath !== undefined) process.env.PATH = savedPath;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
