/**
 * The state file. Writes are atomic (temp file in the same directory, fsync, rename, fsync the directory),
 * so a killed process leaves either the old or the new file, never a torn one; and the server waits for the
 * write before it answers, so an acknowledged write is on disk. Saves requested while one is waiting to start
 * share it (the snapshot is taken when the write starts, so it covers them all).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SandboxState } from './types.js';

export class StateFileError extends Error {
  readonly code = 'SANDBOX_STATE';
  constructor(message: string) {
    super(message);
    this.name = 'StateFileError';
  }
}

/** The state in `path`, or null when there is no such file. */
export function readStateFile(path: string): SandboxState | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateFileError(`cannot read sandbox state file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(`sandbox state file ${path} is corrupt (not valid JSON: ${(error as Error).message}); move it away to start fresh`);
  }
  const problem = stateProblem(value);
  if (problem) throw new StateFileError(`sandbox state file ${path} is not a sandbox state: ${problem}`);
  return currentState(value as StoredState);
}

/** The lists of objects with ids in each format version; version 2 added profiles (and the change log). */
const LISTS: Record<number, string[]> = {
  1: ['members', 'advertisers', 'segments', 'pixels', 'lineItems'],
  2: ['members', 'advertisers', 'segments', 'pixels', 'lineItems', 'profiles'],
};

/** A state as a file of any supported version holds it. */
export type StoredState = Omit<SandboxState, 'version' | 'profiles' | 'changeLog'> & {
  version: 1 | 2;
  profiles?: SandboxState['profiles'];
  changeLog?: SandboxState['changeLog'];
};

/** What is wrong with a value that should be a SandboxState (of any version this sandbox reads), or null. */
export function stateProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  const state = value as Record<string, unknown>;
  if (state.format !== 'xandr-sync-sandbox') return `'format' must be "xandr-sync-sandbox"`;
  const lists = LISTS[state.version as number];
  if (!lists) return `unsupported 'version' ${JSON.stringify(state.version)} (this sandbox reads versions 1 and 2)`;
  for (const list of lists) {
    const items = state[list];
    if (!Array.isArray(items)) return `'${list}' must be an array`;
    const bad = items.findIndex((item) => typeof item !== 'object' || item === null || !Number.isSafeInteger((item as { id?: unknown }).id));
    if (bad >= 0) return `${list}[${bad}] has no integer 'id'`;
  }
  if (state.version === 2) {
    if (!Array.isArray(state.changeLog)) return `'changeLog' must be an array`;
    const bad = state.changeLog.findIndex((t) => typeof t !== 'object' || t === null || typeof (t as { transaction_id?: unknown }).transaction_id !== 'string');
    if (bad >= 0) return `changeLog[${bad}] has no string 'transaction_id'`;
  }
  const sequences = state.sequences;
  if (typeof sequences !== 'object' || sequences === null) return `'sequences' must be an object`;
  return null;
}

/** A checked state of an older version as the current one: what it did not have yet starts empty. */
export function currentState(state: StoredState): SandboxState {
  return { ...state, version: 2, profiles: state.profiles ?? [], changeLog: state.changeLog ?? [] };
}

export class StateFile {
  private queued: Promise<void> | null = null;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    /** The state as JSON text, taken when a write starts. */
    private readonly serialize: () => string,
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** Resolves once a write that started after this call has reached the disk. */
  save(): Promise<void> {
    if (!this.queued) {
      const run = this.tail.then(() => {
        this.queued = null;
        return writeAtomically(this.path, this.serialize());
      });
      this.queued = run;
      this.tail = run.catch(() => undefined);
    }
    return this.queued;
  }

  /** Waits for every write in progress. */
  flush(): Promise<void> {
    return this.tail;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // The rename itself must survive a crash too; some platforms cannot fsync a directory, which is fine.
  try {
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    /* not supported here */
  }
}
