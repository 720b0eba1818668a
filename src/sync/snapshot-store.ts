import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LiveSnapshot } from '../read/incremental.js';

/** Where the live state of the last read is kept between cycles (read/incremental.ts). */
export interface SnapshotStore {
  load(): LiveSnapshot | null;
  save(snapshot: LiveSnapshot): void;
}

/** The long-lived job keeps it in memory. */
export function memorySnapshots(): SnapshotStore {
  let kept: LiveSnapshot | null = null;
  return {
    load: () => kept,
    save: (snapshot) => {
      kept = snapshot;
    },
  };
}

/**
 * `sync --once` runs (a CronJob sharing a cache volume, a systemd timer) keep it in a file next to the
 * repository cache: 0600, written atomically, with every string passed through `redact` first. A file
 * that cannot be read, of another format or version, is discarded: the next cycle reads in full.
 */
export function fileSnapshots(file: string, redact: <T>(value: T) => T, log: (line: string) => void = () => undefined): SnapshotStore {
  return {
    load() {
      try {
        const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<LiveSnapshot>;
        if (raw.format === 'xandr-sync-snapshot' && raw.version === 2 && typeof raw.read_at === 'number' && typeof raw.full_at === 'number' && raw.live && raw.target) {
          return raw as LiveSnapshot;
        }
        log(`the snapshot ${file} is of another format or version; this cycle reads Xandr in full`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`the snapshot ${file} cannot be read; this cycle reads Xandr in full`);
      }
      return null;
    },
    save(snapshot) {
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, JSON.stringify(redact(snapshot)), { mode: 0o600 });
        renameSync(temporary, file);
      } catch (error) {
        log(`cannot save the snapshot to ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    },
  };
}
