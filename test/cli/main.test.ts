import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { describeError } from '../../src/cli/describe-error.js';
import { FileError, UsageError } from '../../src/cli/cli-errors.js';
import { GitCommandError } from '../../src/git/git-errors.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream, text: () => text };
}

test('an unknown command is a usage error with exit 1', async () => {
  const out = capture();
  const err = capture();
  const code = await main(['frobnicate'], { stdout: out.stream, stderr: err.stream });
  assert.is(code, 1);
  assert.match(err.text(), /unknown command 'frobnicate'/);
  assert.match(err.text(), /xandr-sync --help/);
});

test('--help lists every command and exits 0', async () => {
  const out = capture();
  const code = await main(['--help'], { stdout: out.stream, stderr: capture().stream });
  assert.is(code, 0);
  for (const name of ['validate', 'plan', 'apply', 'sync', 'import', 'sandbox']) assert.match(out.text(), name);
});

test('an unexpected error is reported as a bug; a catalogued product error is not', () => {
  assert.match(describeError(new TypeError('x is undefined'), 'xandr-sync --help'), /this is a bug/);
  const usage = describeError(new UsageError('bad flag'), 'xandr-sync plan --help');
  assert.not.match(usage, /bug/);
  assert.match(usage, /Run 'xandr-sync plan --help' for usage/);
  assert.is(describeError(new FileError('cannot write x'), 'h'), 'error: cannot write x');
  assert.is(describeError(new GitCommandError('git fetch failed', 'fetch'), 'h'), 'error: git fetch failed');
});

test("an error carrying a string code that is not ours (Node's EACCES) is a bug, not an expected error", () => {
  const eacces = Object.assign(new Error('EACCES: permission denied, open /x'), { code: 'EACCES' });
  assert.match(describeError(eacces, 'h'), /this is a bug/);
});

test('--version prints the version from package.json', async () => {
  const out = capture();
  const code = await main(['--version'], { stdout: out.stream, stderr: capture().stream });
  assert.is(code, 0);
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.is(out.text(), `${version}\n`);
});

test.run();
