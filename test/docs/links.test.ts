import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { REPO } from '../helpers/cli.js';
import { ALL_DOCS, codeSpans, docLines, headingAnchors, linkTargets, readDoc } from './markdown.js';

/**
 * The documents hold together: every relative link between them reaches a file of this repository, and a
 * `#anchor` reaches a heading of its page (GitHub's slugs). Nothing points at files that live outside the
 * repository, and the source paths the pages name exist.
 */

const test = suite('links between the docs');

const anchorsOf = new Map<string, Set<string>>();
function anchors(file: string): Set<string> {
  if (!anchorsOf.has(file)) anchorsOf.set(file, headingAnchors(readDoc(file)));
  return anchorsOf.get(file)!;
}

test('the pages have links to check (the parser still finds them)', () => {
  const count = ALL_DOCS.reduce((n, file) => n + linkTargets(readDoc(file)).length, 0);
  assert.ok(count >= 50, `found ${count} links`);
  assert.ok(anchors('docs/adopting.md').has('--target-and---exclude'), 'code spans in headings lose their backticks');
  assert.ok(anchors('docs/manifests.md').has('the-project-file-xandr-syncyaml'), 'dots are dropped');
  assert.ok(anchors('BENCHMARKS.md').has('1x-2x-and-4x'), 'commas are dropped');
});

for (const file of ALL_DOCS) {
  test(`${file}: every relative link resolves, to a file and to a heading`, () => {
    const broken: string[] = [];
    for (const { line, target } of linkTargets(readDoc(file))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const [path = '', anchor] = target.split('#') as [string, string | undefined];
      const resolved = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
      const where = `${file}:${line}: (${target})`;
      if (resolved.startsWith('..')) {
        broken.push(`${where} leaves the repository`);
        continue;
      }
      if (!existsSync(join(REPO, resolved))) {
        broken.push(`${where}: ${resolved} does not exist`);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      if (!resolved.endsWith('.md') || statSync(join(REPO, resolved)).isDirectory()) {
        broken.push(`${where}: an anchor into ${resolved}, which is not a markdown page`);
      } else if (!anchors(resolved).has(anchor)) {
        broken.push(`${where}: ${resolved} has no heading with the anchor #${anchor}`);
      }
    }
    assert.equal(broken, []);
  });
}

/** Files of the project that are kept outside the repository: a reader of the repository has none of them. */
const OUTSIDE = /\b(DESIGN\.md|xandr-api\.md|STYLE\.md|TOOLCHAIN\.md|xandr-fixtures\/|\.\.\/shared\/)/;

test('no page refers to the project files kept outside the repository', () => {
  const found: string[] = [];
  for (const file of ALL_DOCS.filter((f) => f !== 'CHANGELOG.md')) {
    for (const line of docLines(readDoc(file))) if (OUTSIDE.test(line.text)) found.push(`${file}:${line.number}: ${line.text.trim()}`);
  }
  assert.equal(found, [], 'point at a page of the repository (docs/architecture.md, docs/plans.md, ...) or say it inline');
});

/** Paths in backticks that name another repository's files, and which one. */
const ELSEWHERE: Record<string, string> = { 'src/Runner.Worker/Handlers/ScriptHandler.cs': 'actions/runner' };
const PATH = /^(?:src|test|bench|scripts|schemas|config-examples|bin|docs|\.github)\/[\w./*-]*$/;

test('the repository paths the pages name in code spans exist', () => {
  const missing: string[] = [];
  // The changelog is history: it may name what a later change moved.
  for (const file of ALL_DOCS.filter((f) => f !== 'CHANGELOG.md')) {
    for (const line of docLines(readDoc(file))) {
      if (line.fence !== null) continue;
      for (const { code } of codeSpans(line.text)) {
        if (!PATH.test(code) || ELSEWHERE[code]) continue;
        if (!pathExists(code)) missing.push(`${file}:${line.number}: ${code}`);
      }
    }
  }
  assert.equal(missing, []);
});

/** A path, or a glob whose directory exists and has a match (`test/github/*`, `test/prune/*`). */
function pathExists(path: string): boolean {
  if (!path.includes('*')) return existsSync(join(REPO, path));
  const dir = path.slice(0, path.indexOf('*')).replace(/[^/]*$/, '');
  if (!existsSync(join(REPO, dir))) return false;
  const pattern = new RegExp(`^${relative(dir, path).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return readdirSync(join(REPO, dir)).some((name) => pattern.test(name));
}

test.run();
