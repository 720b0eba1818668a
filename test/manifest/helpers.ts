import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

/** A throwaway directory tree: `files` maps relative paths to contents. */
export function makeTree(files: Record<string, string | Uint8Array> = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'xandr-sync-manifest-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream, text: () => text };
}

/** Runs `xandr-sync ...args` in-process with captured output. */
export async function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; tty?: boolean }) {
  const out = capture();
  const err = capture();
  if (options.tty) Object.assign(out.stream, { isTTY: true });
  const code = await main(args, { stdout: out.stream, stderr: err.stream, cwd: options.cwd, env: options.env ?? {} });
  // A PassThrough may deliver the last writes on a later tick.
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: out.text(), stderr: err.text() };
}

export function segment(name: string, extra = ''): string {
  return `apiVersion: xandr-sync/v1\nkind: Segment\nmetadata:\n  name: ${name}\nspec:\n  short_name: ${name}\n${extra}`;
}
