import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { NotifyStore } from './job.js';
import { INITIAL_NOTIFY_STATE, type NotifyState } from './notifications.js';

/**
 * The notification state in a small JSON file, so that separate `sync --once` runs (a systemd timer, a
 * CronJob with a volume) announce a state change once, like the long-lived job does. A missing or
 * unreadable file means the initial state: at worst one message too many, never one too few.
 */
export function fileNotifyStore(file: string, log: (line: string) => void = () => undefined): NotifyStore {
  return {
    load() {
      try {
        const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<NotifyState>;
        if (typeof raw.failing === 'boolean' && typeof raw.failures === 'number' && typeof raw.drift === 'string') {
          return { failing: raw.failing, failures: raw.failures, drift: raw.drift };
        }
      } catch {
        // Absent or damaged: start from the initial state.
      }
      return INITIAL_NOTIFY_STATE;
    },
    save(state) {
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
        renameSync(temporary, file);
      } catch (error) {
        log(`cannot save the notification state to ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    },
  };
}
