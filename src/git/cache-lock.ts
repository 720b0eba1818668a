import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { GitCommandError } from './errors.js';

interface Holder {
  pid: number;
  host: string;
  started_at: string;
}

/**
 * A holder older than this is gone, whatever host it was on: the lock is held only for a fetch and the
 * manifest load, and every git step is killed after minutes of silence. Without it, a pod killed mid-fetch
 * would lock a shared cache volume for good (its host name never comes back).
 */
const STALE_AFTER_MS = 60 * 60_000;

/**
 * One process at a time in a repository cache: two sync jobs for different shards of one repository share
 * the default cache, and a `reset --hard` under the other's manifest loader would mix two commits. The
 * lock is a file created with O_EXCL naming its holder; one left by a dead process on this host, or older
 * than an hour, is taken over. Returns the release function.
 */
export function lockCache(file: string): () => void {
  const me: Holder = { pid: process.pid, host: hostname(), started_at: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return () => {
        const holder = readHolder(file);
        if (holder && holder.pid === me.pid && holder.host === me.host) unlinkSync(file);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (attempt === 0 && (holder === null || (holder.host === me.host && !isAlive(holder.pid)) || isOld(holder))) {
        try {
          unlinkSync(file);
        } catch {
          // Someone else removed it first; try again.
        }
        continue;
      }
      const who = holder ? `pid ${holder.pid} on ${holder.host}, since ${holder.started_at}` : 'another process';
      throw new GitCommandError(
        `the repository cache is in use by ${who}; give each sync process its own --cache, or delete ${file} if that process is gone`,
        'lock',
      );
    }
  }
  throw new GitCommandError(`could not take the repository cache lock ${file}`, 'lock');
}

function readHolder(file: string): Holder | null {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    return typeof holder.pid === 'number' ? holder : null;
  } catch {
    return null;
  }
}

function isOld(holder: Holder): boolean {
  const since = Date.parse(holder.started_at);
  return Number.isFinite(since) && Date.now() - since > STALE_AFTER_MS;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
