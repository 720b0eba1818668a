import { isDeadHereHolder, takeLockFile, thisProcess, type Holder } from '../core/lock-file.js';
import { GitCommandError } from './git-errors.js';

/**
 * A holder older than this is gone, whatever host it was on: the lock is held only for a fetch and the
 * manifest load, and every git step is killed after minutes of silence. Without it, a pod killed mid-fetch
 * would lock a shared cache volume for good (its host name never comes back).
 */
const STALE_AFTER_MS = 60 * 60_000;

/**
 * One process at a time in a repository cache: two sync jobs for different shards of one repository share
 * the default cache, and a `reset --hard` under the other's manifest loader would mix two commits. The
 * lock is a lock file naming its holder (core/lock-file.ts); one left by a dead process on this host, or
 * older than an hour, is taken over. Returns the release function.
 */
export function lockCache(file: string): () => void {
  const attempt = takeLockFile(file, thisProcess(), (holder) => holder === null || isDeadHereHolder(holder) || isOld(holder));
  if (attempt.taken) return attempt.release;
  const { holder } = attempt;
  const who = holder ? `pid ${holder.pid} on ${holder.host}, since ${holder.started_at}` : 'another process';
  throw new GitCommandError(
    `the repository cache is in use by ${who}; give each sync process its own --cache, or delete ${file} if that process is gone`,
    'lock',
  );
}

function isOld(holder: Holder): boolean {
  const since = Date.parse(holder.started_at);
  return Number.isFinite(since) && Date.now() - since > STALE_AFTER_MS;
}
