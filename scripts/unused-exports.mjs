#!/usr/bin/env node
// Finds exports that nothing uses: an export of src/ that no other file of src/, test/, bench/ or scripts/ names.
// Words are matched whole, so a name that is also an ordinary word elsewhere passes (lenient on purpose:
// this finds dead code, it does not prove code alive). Only values count: an exported interface or type
// names a shape other code may hold (a plan's parts, a sandbox option), and costs nothing at run time.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const texts = new Map();
for (const dir of ['src', 'test', 'bench', 'scripts']) for (const file of walk(join(root, dir))) if (/\.(ts|mjs|js)$/.test(file)) texts.set(file, readFileSync(file, 'utf8'));

const unused = [];
for (const [file, text] of texts) {
  if (!file.startsWith(join(root, 'src'))) continue;
  const names = new Set();
  for (const m of text.matchAll(/^export\s+(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|const|let|class|enum)\s+([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  for (const name of names) {
    const word = new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`);
    const usedElsewhere = [...texts].some(([other, body]) => other !== file && word.test(body));
    if (!usedElsewhere) unused.push(`${relative(root, file)}: ${name}`);
  }
}

if (unused.length) {
  for (const u of unused) console.error(`exported but used nowhere else: ${u}`);
  console.error(`${unused.length} unused export(s): remove them, or the export keyword`);
  process.exit(1);
}
console.log('no unused exports');

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
