import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { BIN, runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';
import { sandboxFixture, writesIn } from '../helpers/sandbox.js';

/**
 * apply asks on a terminal and refuses without one (DESIGN.md section 4). The terminal is a real
 * pseudo-terminal from util-linux `script`, with the answer typed on its input.
 */
const sb = sandboxFixture();
const test = suite('apply approval');
test.before(sb.start);
test.after(sb.stop);
test.before.each(() => sb.it.control.reset());

/** Runs `apply` on a pseudo-terminal, typing `answer`. Async: the sandbox answers from this process. */
function onTerminal(dir: string, answer: string): Promise<{ status: number | null; output: string }> {
  const env = { ...sandboxEnv(sb.it.url), PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XANDR_SYNC_LOCK_DIR: `${dir}/.locks`, TERM: 'dumb' };
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} apply`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: dir, env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
    child.stdin.end(`${answer}\n`);
  });
}

test('without a terminal, apply refuses unless --auto-approve', async () => {
  const ws = workspace(SEED);
  try {
    const run = await runCli(['apply'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(run.code, 1);
    assert.match(run.stderr, /refusing to apply without a terminal.*--auto-approve/);
    assert.is(writesIn(sb.it.control.log()).length, 0);
  } finally {
    ws.cleanup();
  }
});

test("on a terminal, apply shows the plan and asks: anything but 'yes' cancels, 'yes' applies", async () => {
  const ws = workspace(SEED);
  try {
    const cancelled = await onTerminal(ws.dir, 'y');
    assert.is(cancelled.status, 1, cancelled.output);
    assert.match(cancelled.output, /Apply 3 change\(s\) to .*Only 'yes' is accepted/);
    assert.match(cancelled.output, /Apply cancelled; nothing was written to Xandr/);
    assert.is(writesIn(sb.it.control.log()).length, 0);

    const approved = await onTerminal(ws.dir, 'yes');
    assert.is(approved.status, 0, approved.output);
    assert.match(approved.output, /Apply complete: 3 done/);
    assert.is(writesIn(sb.it.control.log()).length, 3);
  } finally {
    ws.cleanup();
  }
});

test.run();
