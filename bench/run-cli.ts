import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(REPO, 'bin', 'xandr-sync.js');
const USAGE = join(REPO, 'bench', 'resource-usage.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From spawn to the process's exit, as the parent saw it: Node's startup included. */
  wallMs: number;
  /** The child's own peak RSS in bytes (bench/resource-usage.mjs); NaN if it died before its exit handler. */
  peakRssBytes: number;
  /** The child's user + system CPU time. */
  cpuMs: number;
}

/**
 * Runs the real binary as a separate process, the way a user or CI does, with a clean environment pointing
 * at `apiUrl`. Peak RSS is the child's getrusage maximum, written by a preloaded module at exit: the number
 * GNU time's %M reports for the same process, without depending on GNU time being installed.
 */
export function runCli(args: string[], options: { cwd: string; apiUrl: string; timeoutMs?: number }): Promise<CliRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'xandr-sync-rss-'));
  const usageFile = join(scratch, 'usage.json');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let exitedAt = 0;
    const child = spawn(process.execPath, ['--import', USAGE, BIN, ...args], {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NO_COLOR: '1',
        XANDR_API_URL: options.apiUrl,
        XANDR_USERNAME: 'sandbox',
        XANDR_PASSWORD: 'sandbox',
        XANDR_SYNC_LOCK_DIR: join(scratch, 'locks'),
        // Each measured plan pays its one login, as a CI job does: a token cached by the run before would
        // make it 0, miss the "one login" target, and leave a token in the user's cache.
        XANDR_TOKEN_CACHE: 'off',
        BENCH_USAGE_FILE: usageFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('exit', () => (exitedAt = performance.now()));
    child.on('close', (code) => {
      clearTimeout(timer);
      let usage = { peakRssBytes: NaN, cpuMs: NaN };
      try {
        usage = JSON.parse(readFileSync(usageFile, 'utf8'));
      } catch {
        // The process died before its exit handler ran: NaN, and the caller reports the failed run.
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        wallMs: (exitedAt || performance.now()) - started,
        ...usage,
      });
    });
  });
}
