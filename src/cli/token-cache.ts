import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve, isAbsolute } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { TokenStore } from '../xandr/index.js';
import { FileError, fsReason } from './cli-errors.js';

/**
 * Xandr keeps a token for 2 hours after its last use and 24 hours at most (authentication-service.md), and
 * allows 10 logins per 5 minutes per user, shared with every trader and integration. So CLI runs share a
 * login through a cache file, per API URL and user, in `$XDG_CACHE_HOME/xandr-sync/` (`~/.cache/...`):
 * the directory 0700, each file 0600, written atomically, never inside the manifest tree. A token is
 * offered while Xandr would still take it, with a margin; one Xandr refuses is forgotten, and the next login
 * replaces it. `XANDR_TOKEN_CACHE=off` turns the cache off.
 */
const IDLE_MS = 2 * 3600_000;
const MAX_AGE_MS = 24 * 3600_000;
/** Taken off both lifetimes: clocks differ, and a run that starts near the end would lose the token mid-run. */
const MARGIN_MS = 15 * 60_000;
const FORMAT = 'xandr-sync-token';

interface Entry {
  format: typeof FORMAT;
  version: 1;
  api_url: string;
  token: string;
  obtained_at: number;
  last_used_at: number;
}

export function cacheHome(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache'), 'xandr-sync');
}

export interface TokenCacheOptions {
  env: NodeJS.ProcessEnv;
  apiUrl: string;
  username: string;
  clock: Clock;
  /** The manifest root: the cache must not be inside it (it would be committed, or read by a PR's code). */
  manifestRoot?: string;
  /** A problem with the cache that does not stop the run. */
  warn: (text: string) => void;
}

/** The file store, or null when the cache is off or would sit inside the manifest tree. */
export function fileTokenStore(options: TokenCacheOptions): (TokenStore & { flush(): void; file: string }) | null {
  if (/^(off|0|false|no)$/i.test(options.env.XANDR_TOKEN_CACHE ?? '')) return null;
  const dir = join(cacheHome(options.env), 'tokens');
  if (options.manifestRoot && isWithin(resolve(options.manifestRoot), resolve(dir))) return null;
  const key = createHash('sha256').update(`${options.apiUrl.replace(/\/+$/, '')}\u0000${options.username}`).digest('hex').slice(0, 32);
  const file = join(dir, `${key}.json`);
  const { clock } = options;
  let entry: Entry | null = null;
  let dirty = false;

  const write = () => {
    if (!entry) {
      rmSync(file, { force: true });
      return;
    }
    privateDir(cacheHome(options.env));
    privateDir(dir);
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temporary, JSON.stringify(entry), { mode: 0o600 });
    renameSync(temporary, file);
  };
  const safely = (what: string, action: () => void) => {
    try {
      action();
    } catch (error) {
      // The cache saves logins; a run must not fail because it could not keep one.
      options.warn(`the token cache could not ${what} (${fsReason(error)}); the next run logs in again`);
    }
  };

  return {
    file,
    load() {
      let read: Entry | null = null;
      try {
        read = JSON.parse(readFileSync(file, 'utf8')) as Entry;
      } catch {
        return null;
      }
      if (read?.format !== FORMAT || read.version !== 1 || typeof read.token !== 'string' || read.token === '') return null;
      const now = clock.now();
      if (now - read.last_used_at > IDLE_MS - MARGIN_MS || now - read.obtained_at > MAX_AGE_MS - MARGIN_MS || read.obtained_at > now + MARGIN_MS) return null;
      entry = read;
      return read.token;
    },
    saved(token) {
      const now = clock.now();
      entry = { format: FORMAT, version: 1, api_url: options.apiUrl, token, obtained_at: now, last_used_at: now };
      safely('be written', write);
    },
    refused(token) {
      if (entry?.token !== token) return;
      entry = null;
      safely('be cleared', write);
    },
    used(token) {
      if (entry?.token !== token) return;
      entry.last_used_at = clock.now();
      dirty = true;
    },
    /** Records the last use (the idle window slides with every call) once, when the run ends. */
    flush() {
      if (dirty) safely('be updated', write);
      dirty = false;
    },
  };
}

/** A token another job handed over (`XANDR_TOKEN`, or `XANDR_TOKEN_FILE`), offered first; never written anywhere. */
export function sharedToken(env: NodeJS.ProcessEnv, cwd: string): string | null {
  if (env.XANDR_TOKEN) return env.XANDR_TOKEN.trim();
  const file = env.XANDR_TOKEN_FILE;
  if (!file) return null;
  try {
    return readFileSync(resolve(cwd, file), 'utf8').trim() || null;
  } catch (error) {
    throw new FileError(`cannot read XANDR_TOKEN_FILE ${file}: ${fsReason(error)}`);
  }
}

/** The shared token first, then the cache: what the client's session asks before it logs in. */
export function chainTokenStores(shared: string | null, cache: TokenStore | null): TokenStore {
  let sharedRefused = shared === null;
  return {
    load: () => (!sharedRefused && shared !== null ? shared : (cache?.load() ?? null)),
    saved: (token) => cache?.saved(token),
    refused: (token) => {
      if (token === shared) sharedRefused = true;
      else cache?.refused(token);
    },
    used: (token) => {
      if (token !== shared) cache?.used(token);
    },
  };
}

function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A directory that existed with wider permissions is narrowed: it holds tokens.
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
