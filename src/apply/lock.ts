import { createHash } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  command: string;
  target: string;
}

export class LockError extends Error {
  readonly code = 'LOCKED';
  constructor(
    message: string,
    readonly holder: LockHolder | null,
    readonly file: string,
  ) {
    super(message);
  }
}

export interface Lock {
  file: string;
  release(): void;
}

/**
 * One apply at a time per target, across processes: an exclusive lock file (created with O_EXCL) that
 * names its holder. A lock left by a process that died on this host is taken over; any other is refused
 * with the holder's details, so two CI jobs cannot interleave writes to the same member.
 */
export function acquireLock(targetKey: string, command: string, dir: string): Lock {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${createHash('sha256').update(targetKey).digest('hex').slice(0, 20)}.lock`);
  const me: LockHolder = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), command, target: targetKey };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return {
        file,
        release: () => {
          const holder = readHolder(file);
          if (holder && holder.pid === me.pid && holder.host === me.host) unlinkSync(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (attempt === 0 && (holder === null || (holder.host === me.host && !isAlive(holder.pid)))) {
        try {
          unlinkSync(file);
        } catch {
          // Someone else removed it first; try again.
        }
        continue;
      }
      const who = holder
        ? `pid ${holder.pid} on ${holder.host}, started ${holder.started_at} (${holder.command})`
        : 'an unknown process';
      throw new LockError(
        `another apply to this target is running: ${who}. Wait for it to finish; if it is not running any more, delete ${file}.`,
        holder,
        file,
      );
    }
  }
  throw new LockError(`could not take the apply lock ${file}`, null, file);
}

/** Shared by every process of this user on this machine (XANDR_SYNC_LOCK_DIR overrides it). */
export function lockDir(env: NodeJS.ProcessEnv): string {
  return env.XANDR_SYNC_LOCK_DIR ?? join(tmpdir(), 'xandr-sync-locks');
}

function readHolder(file: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return typeof holder.pid === 'number' ? holder : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
