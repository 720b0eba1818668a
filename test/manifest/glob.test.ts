import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileGlob, escapesRoot, GlobError } from '../../src/manifest/glob.js';

/** The `manifests:` glob dialect (docs/manifests.md, "The project file"), matched through picomatch. */

const MATCHES: Array<[string, string[], string[]]> = [
  ['**/*.yaml', ['a.yaml', 'a/b/c.yaml', '.dot.yaml'], ['a.yml', 'a/b/c.yaml.txt']],
  ['*.yml', ['b.yml'], ['sub/b.yml']],
  ['segments/**/*.yaml', ['segments/x.yaml', 'segments/d/e.yaml'], ['other/x.yaml', 'segmentsx.yaml']],
  ['{extra,more}/[a-c]?.yaml', ['extra/a1.yaml', 'more/c9.yaml'], ['extra/d1.yaml', 'extra/a.yaml', 'other/a1.yaml']],
  ['[!a]*.yaml', ['b.yaml'], ['a.yaml']],
  ['[]a]*.yaml', [']z.yaml', 'a.yaml'], ['b.yaml']],
  ['a\\*b.yaml', ['a*b.yaml'], ['axb.yaml']],
  // No negation, no extglobs, no regular-expression groups: these characters are literal.
  ['!x.yaml', ['!x.yaml'], ['y.yaml']],
  ['*(a).yaml', ['(a).yaml', 'x(a).yaml'], ['a.yaml', 'aaa.yaml']],
  ['(x)|y.yaml', ['(x)|y.yaml'], ['x.yaml', 'y.yaml']],
  ['a}.yaml', ['a}.yaml'], []],
];

for (const [glob, yes, no] of MATCHES) {
  test(`glob ${glob}`, () => {
    const match = compileGlob(glob);
    for (const path of yes) assert.ok(match(path), `${glob} should match ${path}`);
    for (const path of no) assert.not.ok(match(path), `${glob} should not match ${path}`);
  });
}

test('globs outside the dialect are errors that say why', () => {
  const errors: Record<string, string> = {
    'a**': "'**' must be a whole path segment, as in 'segments/**/*.yaml'",
    '**b/x': "'**' must be a whole path segment, as in 'segments/**/*.yaml'",
    'segments/[abc.yaml': "unclosed '['",
    '{a,b.yaml': "unclosed '{'",
    'a\\': "a glob cannot end with '\\'",
  };
  for (const [glob, message] of Object.entries(errors)) {
    assert.throws(() => compileGlob(glob), (error: unknown) => error instanceof GlobError && error.message === message, glob);
  }
  assert.is(escapesRoot('../x/*.yaml'), "it uses '..'");
  assert.is(escapesRoot('/etc/*.yaml'), 'it is absolute');
  assert.is(escapesRoot('a/*.yaml'), undefined);
});

test.run();
