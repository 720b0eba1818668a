import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitCommandError } from './git-errors.js';

/**
 * How every git process xandr-sync starts is run: the config-repository cache (config-repo.ts), the commit a
 * plan records (worktree.ts) and the documents changed since a ref (changed-files.ts). The repository is
 * untrusted content (a pull request, a commit), so nothing in it, and nothing of the operator's own git
 * configuration that it could name, may run a program or steer a credential:
 *
 * - `HOME` is an empty directory made for this one process, and `XDG_CONFIG_HOME` is not passed: no
 *   `~/.gitconfig`, `~/.config/git/config` or global attributes file is read. `GIT_CONFIG_GLOBAL=/dev/null`
 *   and `GIT_CONFIG_NOSYSTEM=1` cover the global and system files wherever they are. This is what stops a
 *   `.gitattributes` line `* filter=x` (or `diff=x`, `merge=x`) from running a filter, textconv or merge
 *   driver that the operator's `~/.gitconfig` defines: with no definition, git applies none.
 * - No ambient `GIT_*` variable reaches git (`GIT_CONFIG_COUNT`, `GIT_CONFIG_PARAMETERS`, `GIT_DIR`,
 *   `GIT_EXTERNAL_DIFF`, ...), nor any other variable outside PASSED_ENV (the Xandr credentials among them).
 * - `-c` settings, which win over the repository's own `.git/config`: no hooks, no fsmonitor, no submodule
 *   recursion, no transport unless the caller opens one, no embedded bare repository found by discovery.
 *
 * What is left is the repository's own `.git/config`, which content cannot write: for the cache it is
 * xandr-sync's own clone, for a plan the operator's checkout. git's ownership check stays on, and no
 * `safe.directory` can be configured any more: a checkout owned by another user is refused, so run
 * xandr-sync as the owner of the checkout.
 *
 * ssh still works: `GIT_SSH_COMMAND` and `SSH_AUTH_SOCK` are passed through. Because HOME is empty, ssh users
 * name the key and the known hosts in `GIT_SSH_COMMAND`
 * (`ssh -i /keys/deploy -o IdentitiesOnly=yes -o UserKnownHostsFile=/keys/known_hosts`); an https CA bundle
 * that the operator's git configuration used to name goes in `GIT_SSL_CAINFO`.
 */

/** Operator settings git needs to reach a server, passed through when set; nothing else is. */
const PASSED_ENV = [
  'PATH', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TMPDIR', 'TZ', 'SYSTEMROOT',
  'SSH_AUTH_SOCK', 'GIT_SSH_COMMAND',
  'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
  'GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
];

/** `-c` settings every git process gets; command-line settings override the repository's `.git/config`. */
const HARDENING_CONFIG = [
  'core.hooksPath=/dev/null',
  'protocol.allow=never',
  'core.fsmonitor=false',
  'core.attributesFile=/dev/null',
  'submodule.recurse=false',
  'fetch.recurseSubmodules=false',
  // A bare repository committed inside the checkout, with a .git/config of its choosing, is never used.
  'safe.bareRepository=explicit',
  // An automatic gc runs inside the command rather than as a detached process outliving it.
  'gc.autoDetach=false',
];

export interface RunGitOptions {
  cwd: string;
  /** Names the step in a GitCommandError (clone, fetch, describe, changes...). */
  step: string;
  /** More `-c` settings (a transport to allow), right after `protocol.allow=never`. Never a secret: argv is public. */
  config?: string[];
  /** Environment beyond the hardened one: GIT_DIR, GIT_INDEX_FILE, credentials (never argv). */
  env?: Record<string, string>;
  /** Written to git's stdin, which is then closed. */
  input?: string | Buffer;
  /** Exit codes that are answers rather than failures (`rev-parse --verify --quiet` exits 1 for "no"). */
  allowExitCodes?: number[];
  /** git is killed when it prints nothing for this long. */
  silenceTimeoutMs?: number;
  signal?: AbortSignal;
  /** Everything git creates is readable by this user only (umask 077): the repository cache. */
  privateFiles?: boolean;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

const MAX_STDERR = 64 * 1024;

/** The environment git runs with (see the top of this file), `home` being its empty private HOME. */
export function gitEnvironment(home: string, source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASSED_ENV) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  return {
    ...env,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_SYSTEM: '/dev/null',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_NO_REPLACE_OBJECTS: '1',
    // Reads never take the index lock of a repository someone is working in.
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
  };
}

/** The `-c` arguments every git process starts with; `extra` (a transport allowed) right after `protocol.allow=never`. */
function hardeningArgs(extra: string[] = []): string[] {
  return [...HARDENING_CONFIG.slice(0, 2), ...extra, ...HARDENING_CONFIG.slice(2)].flatMap((setting) => ['-c', setting]);
}

/**
 * Runs `git <hardening> <args>` and resolves with its output; a failure is a GitCommandError carrying git's
 * own message. Arguments are data, never shell text: with `privateFiles` a `/bin/sh` only sets the umask
 * and hands them on as `"$@"`.
 */
export async function runGit(args: string[], options: RunGitOptions): Promise<GitResult> {
  const home = mkdtempSync(join(tmpdir(), 'xandr-sync-git-home-'));
  try {
    return await spawnGit(args[0] ?? '', [...hardeningArgs(options.config), ...args], { ...gitEnvironment(home), ...options.env }, options);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function spawnGit(command: string, argv: string[], env: Record<string, string>, options: RunGitOptions): Promise<GitResult> {
  const fail = (detail: string) => new GitCommandError(`git ${command} failed: ${detail}`, options.step, detail);
  return new Promise((resolvePromise, reject) => {
    if (options.signal?.aborted) {
      reject(fail('cancelled'));
      return;
    }
    // umask is per process, so a shell sets it for git alone; elsewhere in this process files keep theirs.
    // Windows has no umask and no shell to spare; the cache there is protected by its parent directory.
    const viaShell = options.privateFiles === true && process.platform !== 'win32';
    const child = viaShell
      ? spawn('/bin/sh', ['-c', 'umask 077 && exec git "$@"', 'sh', ...argv], { cwd: options.cwd, env, stdio: 'pipe', windowsHide: true })
      : spawn('git', argv, { cwd: options.cwd, env, stdio: 'pipe', windowsHide: true });
    const stdout: Buffer[] = [];
    let stderr = '';
    let why: string | null = null;
    let timer: NodeJS.Timeout | undefined;
    const kill = (reason: string) => {
      why ??= reason;
      child.kill('SIGTERM');
    };
    const quiet = () => {
      if (!options.silenceTimeoutMs) return;
      clearTimeout(timer);
      const ms = options.silenceTimeoutMs;
      timer = setTimeout(() => kill(`it printed nothing for ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`} and was stopped`), ms);
      timer.unref?.();
    };
    const onAbort = () => kill('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    quiet();
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      quiet();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
      quiet();
    });
    // git may exit before reading all of its input (an error); that is reported by its exit code.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    let settled = false;
    const settle = (answer: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      answer();
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      const text = error.code === 'ENOENT' ? 'git is not installed or not on PATH' : error.message;
      settle(() => reject(fail(text)));
    });
    // A stopped git is answered for as soon as it exits: its ssh, still stalled, may hold the pipes open
    // for as long as it hangs, and 'close' waits for them.
    child.on('exit', () => {
      if (why) settle(() => reject(fail(why!)));
    });
    child.on('close', (code, signal) => {
      const exitCode = code ?? -1;
      settle(() => {
        if (why) reject(fail(why));
        else if (viaShell && exitCode === 127 && /exec: .*git.*not found/i.test(stderr)) reject(fail('git is not installed or not on PATH'));
        else if (exitCode === 0 || options.allowExitCodes?.includes(exitCode)) resolvePromise({ stdout: Buffer.concat(stdout), stderr, exitCode });
        else reject(fail(stderr.trim() || (signal ? `killed by ${signal}` : `exit code ${exitCode}`)));
      });
    });
  });
}
