#!/usr/bin/env node
// Keeps the house plan of docs/architecture.md: modules import "downwards" only, plan/ is pure (types only
// from other modules, no node: builtins, no clock or network), the sandbox shares no code with the client it
// is meant to test, no file imports itself back through others (type-only imports count too: a circle of
// types is still two files that cannot be understood apart), and no two files in src/ share a name.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');

/** Which internal modules each module may import at runtime. `cli` may import anything. */
const allowed = {
  cli: '*',
  sync: ['sync', 'git', 'apply', 'read', 'plan', 'xandr', 'manifest', 'render', 'core', 'dashboard'],
  dashboard: ['dashboard', 'render', 'plan', 'manifest', 'core'],
  git: ['git', 'core'],
  import: ['import', 'manifest', 'plan'],
  apply: ['apply', 'plan', 'xandr', 'manifest', 'core'],
  read: ['read', 'plan', 'xandr', 'manifest', 'core'],
  render: ['render', 'plan', 'manifest', 'core'],
  github: ['github', 'core'],
  plan: ['plan'],
  manifest: ['manifest'],
  xandr: ['xandr', 'core'],
  core: ['core'],
  sandbox: ['sandbox'],
};
/** Type-only imports allowed beyond that (they vanish at runtime): the models a module reads. */
const typeOnly = {
  plan: ['manifest', 'xandr'],
  render: ['xandr', 'apply', 'sync'],
  import: ['xandr', 'read'],
  dashboard: ['sync', 'apply', 'xandr'],
  github: ['plan'],
};
/** Third-party packages a module may not use. */
const forbiddenPackages = {
  plan: /^(node:|undici|simple-git|node-cron|yaml|ajv|prom-client|playwright)/,
  sandbox: /^(?!node:)/,
  core: /^(?!node:)/,
  manifest: /^(undici|simple-git|node-cron)/,
  // The dashboard renders what the job knows: it never calls Xandr or git, schedules nothing, and the
  // browser that tests it stays in the tests.
  dashboard: /^(undici|simple-git|node-cron|prom-client|playwright)/,
};
/** Names several modules legitimately share: an index per module, and its types. */
const SHARED_NAMES = new Set(['index.ts', 'types.ts']);

const problems = [];
const files = [...walk(src)].filter((f) => f.endsWith('.ts'));
/** file -> the files it imports (relative imports only), for the circle check. */
const graph = new Map();
for (const file of files) {
  const module = relative(src, file).split(sep)[0];
  const text = readFileSync(file, 'utf8');
  const edges = [];
  graph.set(file, edges);
  const re = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (let m; (m = re.exec(text)); ) {
    const isType = Boolean(m[2]);
    const spec = m[3] ?? m[4];
    const line = text.slice(0, m.index).split('\n').length + (text.slice(m.index).match(/^\s*/)[0].split('\n').length - 1);
    const where = `${relative(root, file)}:${line}`;
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      edges.push({ target, where });
      const targetModule = relative(src, target).split(sep)[0];
      if (targetModule === module) continue;
      const rule = allowed[module];
      if (rule === '*' || rule?.includes(targetModule)) continue;
      if (isType && typeOnly[module]?.includes(targetModule)) continue;
      problems.push(`${where}: ${module}/ must not import ${isType ? 'types from ' : ''}${targetModule}/ (${spec})`);
    } else if (forbiddenPackages[module]?.test(spec)) {
      problems.push(`${where}: ${module}/ must not use '${spec}'`);
    }
  }
}

for (const cycle of findCycles(graph)) {
  problems.push(`import circle: ${cycle.map((f) => relative(root, f)).join(' -> ')} -> ${relative(root, cycle[0])}`);
}

const byName = new Map();
for (const file of files) {
  const name = basename(file);
  if (SHARED_NAMES.has(name)) continue;
  byName.set(name, [...(byName.get(name) ?? []), relative(root, file)]);
}
for (const [name, places] of byName) if (places.length > 1) problems.push(`two files named ${name}: ${places.join(', ')} (name each after what it holds)`);

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`${problems.length} import boundary problem(s)`);
  process.exit(1);
}
console.log('import boundaries ok');

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** Each strongly connected component with more than one file (or a file importing itself), Tarjan's way. */
function findCycles(edges) {
  let index = 0;
  const state = new Map();
  const stack = [];
  const cycles = [];
  const visit = (file) => {
    const node = { index, low: index, onStack: true };
    index++;
    state.set(file, node);
    stack.push(file);
    for (const { target } of edges.get(file) ?? []) {
      if (!edges.has(target)) continue;
      const seen = state.get(target);
      if (!seen) {
        visit(target);
        node.low = Math.min(node.low, state.get(target).low);
      } else if (seen.onStack) {
        node.low = Math.min(node.low, seen.index);
      }
    }
    if (node.low !== node.index) return;
    const component = [];
    for (let top; top !== file; ) {
      top = stack.pop();
      state.get(top).onStack = false;
      component.push(top);
    }
    const selfLoop = (edges.get(file) ?? []).some((e) => e.target === file);
    if (component.length > 1 || selfLoop) cycles.push(component.reverse());
  };
  for (const file of edges.keys()) if (!state.has(file)) visit(file);
  return cycles;
}
