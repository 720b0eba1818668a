#!/usr/bin/env node
// Enforces the module boundaries of DESIGN.md section 2: modules import "downwards" only, plan/ is pure
// (types only from other modules, no node: builtins, no clock or network), and the sandbox shares no
// code with the client it is meant to test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');

/** Which internal modules each module may import at runtime. `cli` may import anything. */
const allowed = {
  cli: '*',
  sync: ['sync', 'git', 'apply', 'plan', 'xandr', 'manifest', 'render'],
  // Of apply/ only the lock-file primitive, shared with the apply lock rather than copied.
  git: ['git', 'apply/lock-file'],
  apply: ['apply', 'plan', 'xandr', 'manifest'],
  render: ['render', 'plan', 'apply', 'manifest'],
  plan: ['plan'],
  manifest: ['manifest'],
  xandr: ['xandr'],
  sandbox: ['sandbox'],
  // The GitHub client: comments and step summaries. Of xandr/ only the loopback check (one rule for http).
  github: ['github', 'render', 'xandr/endpoint'],
};
/** Type-only imports allowed beyond that (they vanish at runtime). */
const typeOnly = {
  plan: ['manifest', 'xandr'],
  render: ['xandr'],
  github: ['plan'],
};
/** Third-party packages a module may not use. */
const forbiddenPackages = {
  plan: /^(node:|undici|simple-git|node-cron|yaml|ajv)/,
  sandbox: /^(?!node:)/,
  manifest: /^(undici|simple-git|node-cron)/,
};

const problems = [];
for (const file of walk(src)) {
  if (!file.endsWith('.ts')) continue;
  const module = relative(src, file).split(sep)[0];
  const text = readFileSync(file, 'utf8');
  const re = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (let m; (m = re.exec(text)); ) {
    const isType = Boolean(m[2]);
    const spec = m[3] ?? m[4];
    const line = text.slice(0, m.index).split('\n').length + (text.slice(m.index).match(/^\s*/)[0].split('\n').length - 1);
    const where = `${relative(root, file)}:${line}`;
    if (spec.startsWith('.')) {
      const targetPath = relative(src, resolve(dirname(file), spec)).split(sep);
      const target = targetPath[0];
      if (target === module) continue;
      const rule = allowed[module];
      if (rule === '*' || rule?.includes(target)) continue;
      // 'module/file' entries allow one file of a module, not the whole of it.
      if (rule?.includes(`${target}/${targetPath.slice(1).join('/').replace(/\.[jt]s$/, '')}`)) continue;
      if (isType && typeOnly[module]?.includes(target)) continue;
      problems.push(`${where}: ${module}/ must not import ${isType ? 'types from ' : ''}${target}/ (${spec})`);
    } else if (forbiddenPackages[module]?.test(spec)) {
      problems.push(`${where}: ${module}/ must not use '${spec}'`);
    }
  }
}

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
