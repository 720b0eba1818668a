import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(REPO, 'bin', 'xandr-sync.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real binary (bin/xandr-sync.js, compiled dist/) as a child process, with a clean environment:
 * nothing from the developer's shell (credentials, colour settings) leaks into a test.
 */
export function runCli(
  args: string[],
  options: {
    cwd: string;
    env?: Record<string, string>;
    input?: string;
    timeoutMs?: number;
    /** SIGKILL the child as soon as this returns true (polled every 5 ms). */
    killWhen?: () => boolean;
  },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      // No token cache unless a test asks for one: tests must not share ~/.cache, nor count on each other's logins.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XANDR_SYNC_LOCK_DIR: join(options.cwd, '.locks'), XANDR_TOKEN_CACHE: 'off', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`xandr-sync ${args.join(' ')} timed out\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    const killWhen = options.killWhen;
    const killer = killWhen
      ? setInterval(() => {
          if (killWhen()) child.kill('SIGKILL');
        }, 5)
      : null;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killer) clearInterval(killer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A temporary directory with the given files (paths relative to it). */
export function workspace(files: Record<string, string> = {}): { dir: string; write(files: Record<string, string>): void; remove(path: string): void; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'xandr-sync-test-'));
  const write = (more: Record<string, string>) => {
    for (const [path, content] of Object.entries(more)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  };
  write(files);
  return {
    dir,
    write,
    remove: (path) => rmSync(join(dir, path), { force: true }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Environment that points the CLI at a sandbox started by the test. */
export function sandboxEnv(url: string): Record<string, string> {
  return { XANDR_API_URL: url, XANDR_USERNAME: 'sandbox', XANDR_PASSWORD: 'sandbox' };
}
