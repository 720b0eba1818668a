import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PLAN_ERROR_CODES } from '../../src/plan/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('docs/plans.md explains every plan error code, and no code that does not exist', () => {
  const docs = readFileSync(path.join(ROOT, 'docs/plans.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## Plan error codes'), docs.indexOf('\n## ', docs.indexOf('## Plan error codes') + 1));
  const table = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]!);
  assert.equal(PLAN_ERROR_CODES.filter((code) => !table.includes(code)), []);
  assert.equal(table.filter((code) => !(PLAN_ERROR_CODES as readonly string[]).includes(code)), []);
});

test.run();
