import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('module boundaries of DESIGN.md section 2 hold (plan/ pure, sandbox separate)', () => {
  const script = fileURLToPath(new URL('../scripts/lint-imports.mjs', import.meta.url));
  const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, /import boundaries ok/);
});

test.run();
