import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeadHereHolder, takeLockFile, thisProcess } from '../core/lock-file.js';
import { LockError, type LockHolder } from './apply-errors.js';

interface Lock {
  file: string;
  release(): void;
}

/**
 * One apply at a time per target, across processes: an exclusive lock file that names its holder
 * (lock-file.ts). A lock left by a process that died on this host is taken over; any other is refused
 * with the holder's details, so two CI jobs cannot interleave writes to the same member.
 */
export function acquireLock(targetKey: string, command: string, dir: string): Lock {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${createHash('sha256').update(targetKey).digest('hex').slice(0, 20)}.lock`);
  const me: LockHolder = { ...thisProcess(), command, target: targetKey };
  const attempt = takeLockFile(file, me, (holder) => holder === null || isDeadHereHolder(holder));
  if (attempt.taken) return { file, release: attempt.release };
  const { holder } = attempt;
  const who = holder ? `pid ${holder.pid} on ${holder.host}, started ${holder.started_at} (${holder.command})` : 'an unknown process';
  throw new LockError(
    `another apply to this target is running: ${who}. Wait for it to finish; if it is not running any more, delete ${file}.`,
    holder,
    file,
  );
}

/** Shared by every process of this user on this machine (XANDR_SYNC_LOCK_DIR overrides it). */
export function lockDir(env: NodeJS.ProcessEnv): string {
  return env.XANDR_SYNC_LOCK_DIR ?? join(tmpdir(), 'xandr-sync-locks');
}
