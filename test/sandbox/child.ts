/** Runs `xandr-sync sandbox ARGS` in a child process, as a user would, and waits for its URL. */
import { spawn, type ChildProcess } from 'node:child_process';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).href;

export interface Child {
  process: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startChild(args: string[]): Promise<Child> {
  const script = `const m = await import(${JSON.stringify(MAIN)}); process.exitCode = await m.main(${JSON.stringify(['sandbox', ...args])});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /listening on (http:\/\/\S+)\n/.exec(out);
      if (match) resolve({ process: child, url: match[1]!, stdout: () => out, stderr: () => err, exited });
    });
    exited.then(({ code }) => reject(new Error(`sandbox exited (${code}) before listening: ${err}`)));
  });
}
