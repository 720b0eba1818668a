import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireLock } from '../../src/apply/lock.js';

const LOCK_MODULE = fileURLToPath(new URL('../../src/apply/lock.ts', import.meta.url));
const test = suite('the apply lock');

/**
 * A process that tries the lock and says whether it got it. The winner holds it until the test lets go
 * (closes its stdin), which happens only once every contender has answered: a loaded machine cannot start
 * a contender after the winner has released, so exactly one can ever take it.
 */
function contender(dir: string): { result: Promise<string>; finish(): Promise<void> } {
  const script = `
    const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)});
    try {
      const lock = acquireLock('target', 'contender', ${JSON.stringify(dir)});
      console.log('taken');
      process.stdin.on('end', () => lock.release());
      process.stdin.resume();
    } catch (error) {
      console.log(error.code === 'LOCKED' && /pid \\d+ on /.test(error.message) ? 'refused' : 'error ' + error.message);
    }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const closed = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  const result = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    closed.then(() => resolve(out.trim()), reject);
  });
  return {
    result,
    finish: async () => {
      child.stdin.end();
      await closed;
    },
  };
}

test('processes racing for it: exactly one takes it, every other is refused with the holder named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xandr-sync-lock-'));
  try {
    // Before the lock file appeared with its content in one step, a racer could read it empty, take it for
    // a dead holder's, remove it, and hold the lock too.
    for (let round = 0; round < 3; round++) {
      const contenders = Array.from({ length: 6 }, () => contender(dir));
      const results = await Promise.all(contenders.map((c) => c.result));
      await Promise.all(contenders.map((c) => c.finish()));
      assert.is(results.filter((r) => r === 'taken').length, 1, results.join(', '));
      assert.is(results.filter((r) => r === 'refused').length, 5, results.join(', '));
    }
    assert.equal(readdirSync(dir), [], 'no lock or temporary file left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock left by a process that died on this host is taken over; a live holder is not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xandr-sync-lock-'));
  try {
    const first = acquireLock('t', 'first', dir);
    assert.throws(() => acquireLock('t', 'second', dir), /another apply to this target is running: pid \d+/, 'this process is alive');
    first.release();
    // A holder whose process has exited: a child that ran and is gone.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const file = join(dir, `${createHash('sha256').update('t').digest('hex').slice(0, 20)}.lock`);
    writeFileSync(file, JSON.stringify({ pid: gone, host: hostname(), started_at: new Date().toISOString(), command: 'killed', target: 't' }));
    const taken = acquireLock('t', 'third', dir);
    taken.release();
    assert.equal(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
