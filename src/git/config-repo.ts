import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { lockCache } from './cache-lock.js';
import { inspectCache, markCache, type CacheState } from './cache-marker.js';
import { credentialHelperEnv } from './credential-helper.js';
import { GitCommandError } from './git-errors.js';
import { checkRefName } from './ref-name.js';
import type { RemoteUrl } from './remote-url.js';
import { runGit } from './run-git.js';

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
 * `.xandr-sync/repos/<hash of the URL>` under the working directory. The hash is of the URL without its
 * credentials: a token that changes every run (GITHUB_TOKEN) keeps one cache, and no directory name is
 * derived from a secret.
 */
export function defaultCacheDir(cwd: string, remote: RemoteUrl): string {
  return resolve(cwd, '.xandr-sync', 'repos', createHash('sha256').update(remote.fetchUrl).digest('hex').slice(0, 16));
}

/**
 * The config repository, kept in a cache directory: cloned once, then each `checkout()` fetches the ref and
 * hard-resets the working tree to it. git runs as run-git.ts runs it (no operator configuration, no hooks,
 * filters or fsmonitor), with only the URL's own transport allowed (`protocol.allow=never` plus
 * `protocol.<it>.allow=always`, so `ext::` and friends are refused by git too), the URL and ref after
 * `--`, the repository named by `GIT_DIR` (never found by searching upwards: a cache without its `.git`
 * must not lead git to the repository around it), and the URL's credentials in the environment of each
 * process only (credential-helper.ts). The cache directory is 0700 and everything git writes in it is
 * private to this user (umask 077), and a directory that is not one of our caches is never touched
 * (cache-marker.ts).
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
      const state = inspectCache(this.cacheDir);
      if (state !== 'ready') await this.cloneOnce(state, signal);
      chmodSync(this.cacheDir, 0o700);
      const inCache = { GIT_DIR: join(this.cacheDir, '.git'), GIT_WORK_TREE: this.cacheDir };
      await this.git('fetch', ['fetch', '--quiet', '--no-tags', '--', this.remote.fetchUrl, this.ref], inCache, signal);
      await this.git('checkout', ['reset', '--quiet', '--hard', 'FETCH_HEAD'], inCache, signal);
      // Files a killed reset left behind would otherwise be read as manifests.
      await this.git('checkout', ['clean', '-q', '-ffdx'], inCache, signal);
      const out = await this.git('describe', ['log', '-1', '--no-show-signature', '--format=%H%x00%cI%x00%s', 'HEAD'], inCache, signal);
      const [commit = '', committedAt = '', subject = ''] = out.trim().split('\0');
      if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new GitCommandError(`git log printed no commit id for ${this.ref}`, 'describe');
      return { dir: this.cacheDir, commit, committedAt, subject: subject.length > 120 ? `${subject.slice(0, 117)}...` : subject, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Into a temporary sibling, marked as ours, then renamed: an interrupted clone never leaves a half-made
   * cache behind. `--no-checkout`: the fetch and reset that follow put the ref's files in place. Only what
   * inspectCache found to be ours or empty is removed first.
   */
  private async cloneOnce(state: Exclude<CacheState, 'ready'>, signal?: AbortSignal): Promise<void> {
    if (state === 'broken') rmSync(this.cacheDir, { recursive: true, force: true });
    // rmdir removes an empty directory only: one that filled up since it was inspected stays as it is.
    else if (existsSync(this.cacheDir)) rmdirSync(this.cacheDir);
    const temporary = join(dirname(this.cacheDir), `.${basename(this.cacheDir)}.${process.pid}.tmp`);
    rmSync(temporary, { recursive: true, force: true });
    try {
      await this.git('clone', ['clone', '--quiet', '--no-checkout', '--single-branch', '--no-tags', '--', this.remote.fetchUrl, temporary], {}, signal, dirname(this.cacheDir));
      markCache(temporary, this.remote.display);
      chmodSync(temporary, 0o700);
      renameSync(temporary, this.cacheDir);
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
  }

  private async git(step: string, args: string[], env: Record<string, string>, signal?: AbortSignal, cwd = this.cacheDir): Promise<string> {
    try {
      const { stdout } = await runGit(args, {
        cwd,
        step,
        config: [`protocol.${this.remote.protocol}.allow=always`],
        env: { ...env, ...credentialHelperEnv(this.remote) },
        privateFiles: true,
        silenceTimeoutMs: this.silenceTimeoutMs,
        signal,
      });
      return stdout.toString('utf8');
    } catch (error) {
      const text = error instanceof GitCommandError ? error.detail : error instanceof Error ? error.message : String(error);
      throw new GitCommandError(`git ${step} of ${this.remote.display} (${this.ref}) failed: ${this.scrub(text).trim() || 'no message from git'}`, step);
    }
  }

  /** git may echo a URL it was given; credentials never reach it, but a message is scrubbed all the same. */
  private scrub(text: string): string {
    let out = text.split(this.remote.url).join(this.remote.display);
    for (const secret of this.remote.secrets) if (secret.length >= 4) out = out.split(secret).join('***');
    return out;
  }
}
