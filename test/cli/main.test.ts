import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { main, describeError } from '../../src/cli/main.js';
import { UsageError } from '../../src/cli/io.js';

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

test('an unexpected error is reported as a bug, a usage error is not', () => {
  assert.match(describeError(new TypeError('x is undefined')), /this is a bug/);
  assert.not.match(describeError(new UsageError('bad flag')), /bug/);
});

test.run();
