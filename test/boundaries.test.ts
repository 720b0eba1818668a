import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const run = (name: string) => spawnSync(process.execPath, [fileURLToPath(new URL(`../scripts/${name}`, import.meta.url))], { encoding: 'utf8' });

test('module boundaries of docs/architecture.md hold (plan/ pure, sandbox separate, no circles, no twin file names)', () => {
  const lint = run('lint-imports.mjs');
  assert.is(lint.status, 0, lint.stderr);
  assert.match(lint.stdout, /import boundaries ok/);
});

test('no value is exported that nothing else uses (dead code)', () => {
  const unused = run('unused-exports.mjs');
  assert.is(unused.status, 0, unused.stderr);
  assert.match(unused.stdout, /no unused exports/);
});

test.run();
