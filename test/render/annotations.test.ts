import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createOutputFilter } from '../../src/core/inert.js';
import { renderAnnotationsGithub as render, type Annotation } from '../../src/render/diagnostics.js';

/** What reaches the runner: the annotations through the CLI's output filter (core/inert.ts). */
const renderAnnotationsGithub = (items: Annotation[], options: { command: string }) => createOutputFilter()(render(items, options));

const test = suite('plan errors as GitHub annotations');

const planError = (i: number, where: Partial<Annotation> = {}): Annotation => ({ severity: 'error', code: 'unknown-line-item', message: `line item ${i} does not exist`, ...where });

test('40 errors: 10 annotations, one that counts the 30 others (as a warning: the 10 error slots are taken), the rest in the log', () => {
  const out = renderAnnotationsGithub(Array.from({ length: 40 }, (_, i) => planError(i, { file: 'b.yaml', line: i + 1, column: 3 })), { command: 'xandr-sync plan' });
  const lines = out.trimEnd().split('\n');
  assert.is(lines.filter((l) => l.startsWith('::error ')).length, 10);
  assert.is(lines[10], "::warning title=xandr-sync plan::30 errors more, not annotated: see the log of this step, or run 'xandr-sync plan' locally");
  assert.is(lines.length, 11 + 30);
  assert.is(lines[0], '::error file=b.yaml,line=1,col=3,title=unknown-line-item::line item 0 does not exist');
  assert.is(lines[11], 'b.yaml:11:3: error unknown-line-item line item 10 does not exist');
});

test('an error without a file is annotated on the run, with its code as the title', () => {
  assert.is(renderAnnotationsGithub([planError(1)], { command: 'xandr-sync plan' }), '::error title=unknown-line-item::line item 1 does not exist\n');
  assert.is(renderAnnotationsGithub([planError(1, { file: 'a.yaml' })], { command: 'x' }), '::error file=a.yaml,title=unknown-line-item::line item 1 does not exist\n');
});

test('messages are escaped: a newline in a message cannot start a workflow command of its own', () => {
  const out = renderAnnotationsGithub([planError(1, { message: 'first\n::set-env name=X::y 100%' })], { command: 'x' });
  assert.is(out, '::error title=unknown-line-item::first%0A::set-env name=X::y 100%25\n');
});

test.run();
