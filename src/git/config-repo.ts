import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { lockCache } from './cache-lock.js';
import { GitCommandError } from './git-errors.js';
import { checkRefName } from './ref-name.js';
import type { RemoteUrl } from './remote-url.js';

export interface ConfigRepoOptions {
  /** Checked by parseRemoteUrl. */
  remote: RemoteUrl;
  /** Branch, tag or commit; checked again here, so no caller can skip the check. */
  ref: string;
  /** Where the clone lives between cycles (see defaultCacheDir). */
  cacheDir: string;
  /** A git process that prints nothing for this long is killed. */
  silenceTimeoutMs?: number;
}

export interface Checkout {
  /** The working tree, at `commit`. */
  dir: string;
  commit: string;
  /** The commit's subject line, clipped. */
  subject: string;
  /** Commit time, ISO 8601. */
  committedAt: string;
  /** Releases the cache lock; call it once the manifests are read. */
  release(): void;
}

/** Quiet git (`--quiet`) prints nothing while it works, so this is generous; a stalled fetch ends in minutes. */
const DEFAULT_SILENCE_TIMEOUT_MS = 5 * 60_000;

/**
 * Operator-side settings git would otherwise need, passed through to it; everything else (XANDR_PASSWORD
 * among it) stays out of git's environment.
 */
const PASSED_ENV = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_MESSAGES', 'TMPDIR', 'TZ', 'XDG_CONFIG_HOME', 'SSH_AUTH_SOCK',
  'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
  'SYSTEMROOT', 'GIT_SSH_COMMAND',
];

/** `.xandr-sync/repos/<hash of the URL>` under the working directory. */
export function defaultCacheDir(cwd: string, remote: RemoteUrl): string {
  return resolve(cwd, '.xandr-sync', 'repos', createHash('sha256').update(remote.url).digest('hex').slice(0, 16));
}

/**
 * The config repository, kept in a cache directory: cloned once, then each `checkout()` fetches the ref and
 * hard-resets the working tree to it. Every git process runs with hooks off (`core.hooksPath=/dev/null`),
 * only the URL's own transport allowed (`protocol.allow=never` plus `protocol.<it>.allow=always`, so
 * `ext::` and friends are refused by git too), no terminal prompts, and the URL and ref after `--`.
 */
export class ConfigRepo {
  private readonly remote: RemoteUrl;
  private readonly ref: string;
  readonly cacheDir: string;
  private readonly silenceTimeoutMs: number;

  constructor(options: ConfigRepoOptions) {
    this.remote = options.remote;
    this.ref = checkRefName(options.ref);
    this.cacheDir = resolve(options.cacheDir);
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? DEFAULT_SILENCE_TIMEOUT_MS;
  }

  /** Brings the cache to the tip of the ref. The cache stays locked until `release()`. */
  async checkout(signal?: AbortSignal): Promise<Checkout> {
    mkdirSync(dirname(this.cacheDir), { recursive: true, mode: 0o700 });
    const release = lockCache(`${this.cacheDir}.lock`);
    try {
      if (!existsSync(join(this.cacheDir, '.git', 'HEAD'))) await this.cloneOnce(signal);
      const git = this.git(this.cacheDir, signal);
      await this.run('fetch', () => git.raw(['fetch', '--quiet', '--no-tags', '--', this.remote.url, this.ref]));
      await this.run('checkout', () => git.raw(['reset', '--quiet', '--hard', 'FETCH_HEAD']));
      // Files a killed reset left behind would otherwise be read as manifests.
      await this.run('checkout', () => git.raw(['clean', '-q', '-ffdx']));
      const out = await this.run('describe', () => git.raw(['log', '-1', '--no-show-signature', '--format=%H%x00%cI%x00%s', 'HEAD']));
      const [commit = '', committedAt = '', subject = ''] = out.trim().split('\0');
      if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new GitCommandError(`git log printed no commit id for ${this.ref}`, 'describe');
      return { dir: this.cacheDir, commit, committedAt, subject: subject.length > 120 ? `${subject.slice(0, 117)}...` : subject, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Into a temporary sibling, then renamed: an interrupted clone never leaves a half-made cache behind.
   * `--no-checkout`: the fetch and reset that follow put the ref's files in place.
   */
  private async cloneOnce(signal?: AbortSignal): Promise<void> {
    rmSync(this.cacheDir, { recursive: true, force: true });
    const temporary = join(dirname(this.cacheDir), `.${basename(this.cacheDir)}.${process.pid}.tmp`);
    rmSync(temporary, { recursive: true, force: true });
    try {
      await this.run('clone', () =>
        this.git(dirname(this.cacheDir), signal).raw(['clone', '--quiet', '--no-checkout', '--single-branch', '--no-tags', '--', this.remote.url, temporary]),
      );
      renameSync(temporary, this.cacheDir);
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
  }

  private git(baseDir: string, signal?: AbortSignal): SimpleGit {
    const env: Record<string, string> = {};
    for (const key of PASSED_ENV) {
      const value = process.env[key];
      if (value !== undefined) env[key] = value;
    }
    env.GIT_TERMINAL_PROMPT = '0';
    return simpleGit({
      baseDir,
      config: [
        'core.hooksPath=/dev/null',
        'protocol.allow=never',
        `protocol.${this.remote.protocol}.allow=always`,
        // An automatic gc runs inside the fetch rather than as a detached process outliving it.
        'gc.autoDetach=false',
      ],
      // simple-git refuses these two settings by default because a caller might take them from untrusted
      // input; here both are constants that make git stricter.
      unsafe: { allowUnsafeHooksPath: true, allowUnsafeProtocolOverride: true },
      allowEnvironment: ['GIT_TERMINAL_PROMPT', 'GIT_SSH_COMMAND'],
      timeout: { block: this.silenceTimeoutMs },
      abort: signal,
    }).env(env);
  }

  private async run(step: string, command: () => Promise<string>): Promise<string> {
    try {
      return await command();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      throw new GitCommandError(`git ${step} of ${this.remote.display} (${this.ref}) failed: ${this.scrub(text).trim() || 'no message from git'}`, step);
    }
  }

  /** git may echo the URL it was given, credentials and all. */
  private scrub(text: string): string {
    let out = text.split(this.remote.url).join(this.remote.display);
    for (const secret of this.remote.secrets) if (secret.length >= 4) out = out.split(secret).join('***');
    return out;
  }
}
