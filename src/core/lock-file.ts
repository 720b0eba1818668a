import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds a lock file: enough for a person to find the process, and for another to tell if it is gone. */
export interface Holder {
  pid: number;
  host: string;
  started_at: string;
}

type LockAttempt<H extends Holder> = { taken: true; release(): void } | { taken: false; holder: H | null };

/**
 * An exclusive lock file naming its holder, shared by the apply lock (per target) and the sync job's
 * repository-cache lock. The file appears with its content in one step: the holder is written to a
 * private temporary file, which is then hard-linked to the lock's name (`link` fails if the name exists).
 * Creating the file and then writing it, as before, let a second process read it empty in between, take it
 * for a dead holder's and remove it, and so two applies ran at once.
 *
 * When the file exists, `canTakeOver` decides whether its holder is gone (`null`: unreadable); if so it is
 * removed and the lock tried once more. Otherwise the holder is returned for the refusal message.
 */
export function takeLockFile<H extends Holder>(file: string, me: H, canTakeOver: (holder: H | null) => boolean): LockAttempt<H> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, JSON.stringify(me), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(temp, file);
        return {
          taken: true,
          release: () => {
            const holder = readHolder<H>(file);
            if (holder && holder.pid === me.pid && holder.host === me.host) unlinkSync(file);
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readHolder<H>(file);
        if (attempt > 0 || !canTakeOver(holder)) return { taken: false, holder };
        try {
          unlinkSync(file);
        } catch {
          // Someone else removed it first; try again.
        }
      }
    }
    return { taken: false, holder: readHolder<H>(file) };
  } finally {
    unlinkSync(temp);
  }
}

/** A holder on this host whose process has exited. */
export function isDeadHereHolder(holder: Holder): boolean {
  return holder.host === hostname() && !isAlive(holder.pid);
}

export function thisProcess(): Holder {
  return { pid: process.pid, host: hostname(), started_at: new Date().toISOString() };
}

function readHolder<H extends Holder>(file: string): H | null {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as H;
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
