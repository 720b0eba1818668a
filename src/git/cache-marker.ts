import { existsSync, lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitInputError } from './git-errors.js';

/**
 * Inside `.git`, where `git clean -ffdx` never reaches and the manifest loader never looks. Its presence is
 * what makes a directory one of our caches, which a checkout may delete and clone again.
 */
const MARKER = join('.git', 'xandr-sync-cache');

/** What a cache directory holds before a checkout, and so what the checkout may do with it. */
export type CacheState =
  /** Nothing there, or an empty directory: clone into it. */
  | 'new'
  /** A cache made by xandr-sync, whole: fetch into it. */
  | 'ready'
  /** A cache made by xandr-sync that lost its repository (a clone killed half-way, a hand-made mess): clone again. */
  | 'broken';

/**
 * Tells a cache from any other directory, so that `--cache ~/work` (or a typo) never deletes what
 * xandr-sync did not make: a directory that is not empty and has no marker is refused.
 */
export function inspectCache(dir: string): CacheState {
  let stat;
  try {
    stat = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'new';
    throw error;
  }
  if (stat.isSymbolicLink()) throw refusal(dir, 'it is a symbolic link (name the directory itself)');
  if (!stat.isDirectory()) throw refusal(dir, 'it is not a directory');
  if (existsSync(join(dir, MARKER))) return existsSync(join(dir, '.git', 'HEAD')) ? 'ready' : 'broken';
  if (readdirSync(dir).length === 0) return 'new';
  throw refusal(dir, `it is not empty and is not a repository cache made by xandr-sync (there is no ${MARKER} in it)`);
}

/** Written into a fresh clone before it takes the cache's name. Names the repository for a person, without credentials. */
export function markCache(dir: string, display: string): void {
  writeFileSync(join(dir, MARKER), `${JSON.stringify({ made_by: 'xandr-sync', repository: display, created_at: new Date().toISOString() })}\n`, { mode: 0o600 });
}

function refusal(dir: string, why: string): GitInputError {
  return new GitInputError(
    `refusing the repository cache ${dir}: ${why}. Nothing in it was changed; give --cache a new or empty directory (a cache made by an older xandr-sync has no marker: delete it)`,
    'path',
  );
}
