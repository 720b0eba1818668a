import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFastYaml, resolvePlain } from '../../src/manifest/yaml-fast.js';
import { readFullYaml } from '../../src/manifest/yaml-full.js';
import type { ParsedYaml } from '../../src/manifest/yaml-tree.js';

/**
 * The fast reader may decline any input, but what it accepts it must read exactly as the `yaml` package does:
 * same values, same offsets. Checked on every committed YAML file, on tricky snippets, and on generated ones.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) out.push(...yamlFiles(abs));
    else if (/\.ya?ml$/.test(name)) out.push(abs);
  }
  return out;
}

const roots = (parsed: ParsedYaml) => parsed.documents.map((d) => d.root).filter((r) => r !== null);

function assertSame(text: string, label: string): boolean {
  const fast = readFastYaml(text);
  if (fast === undefined) return false;
  const full = readFullYaml(text);
  assert.equal(fast.problems, full.problems, `${label}: fast and full readers report different problems`);
  assert.equal(roots(fast), roots(full), `${label}: fast and full readers disagree`);
  // Empty documents and document indexes too: edits address documents by index.
  assert.equal(fast.documents, full.documents, `${label}: fast and full readers count documents differently`);
  return true;
}

test('every example manifest is read by the fast reader, identically to the yaml package', () => {
  const files = yamlFiles(path.join(ROOT, 'config-examples'));
  assert.ok(files.length >= 10);
  for (const file of files) {
    assert.ok(assertSame(readFileSync(file, 'utf8'), file), `${file} should stay within the fast reader's subset`);
  }
});

test('fixtures: whatever the fast reader accepts, it reads like the yaml package', () => {
  for (const file of yamlFiles(path.join(ROOT, 'test/fixtures/manifests'))) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
    } catch {
      continue;
    }
    assertSame(text, file);
  }
});

const ACCEPTED: Record<string, string> = {
  'indentless sequence': 'a:\n- x\n- y\nb: 1\n',
  'compact maps in a sequence': 'pixels:\n  - pixel: a\n    state: active\n  -   pixel_id: 7\n      state: inactive\nnext: 1\n',
  'nested block after an empty item': 'list:\n  -\n    a: 1\n    b: 2\n  - c\n',
  'indentless sequence inside a sequence item': 'a:\n- b:\n  - c\n  - d\n- e\n',
  'empty values are null': 'a:\nb:   # comment\nc: ~\nd: null\ne:\n',
  'comments everywhere': '# head\na: 1 # one\n  # indented comment\nb: "x" # two\nc: \'y\'   # three\n#tail',
  'quotes': "a: 'it''s'\nb: \"say 'hi'\"\nc: ''\nd: \"\"\ne: '#not a comment'\nf: \"a: b\"\n",
  'plain scalars with indicators inside': 'url: https://example.com/x?y=1#frag\nt: a:b\nu: a-b\nv: x #y\nw: 50%\nx: a, b [c] {d}\n',
  'core schema numbers and booleans': 'a: 0o17\nb: 0x1F\nc: -12\nd: +3\ne: 1.5\nf: 1e3\ng: .5\nh: -.inf\ni: .NaN\nj: True\nk: FALSE\nl: 1_000\nm: 007\nn: 1.\no: yes\np: -0\n',
  'several documents': '---\na: 1\n---\n# only a comment\n---\nb: 2\n',
  'document markers with comments': '--- # first\na: 1\n---   \nb: 2\n',
  'CRLF line ends': 'a: 1\r\nb:\r\n  - x\r\n  - "y"\r\nc: z \r\n',
  'no final newline': 'a: 1\nb: two',
  'unicode text': 'name: Café – naïve 😀\n',
  'trailing spaces': 'a: x   \nb: 1  \n',
  'keys with digits and underscores': 'post_click_expire_mins: 1\n_x9: 2\n',
  'simple flow sequences': "a: []\nb: [ ]\nc: [description, state]\nd: [ 1 , -2x, 'q', \"r\" ]  # c\ne: [true, null, 0x1F, a.b/c-d]\n",
  'duplicate keys are kept for the loader to report': 'a: 1\na: 2\n',
};

for (const [name, text] of Object.entries(ACCEPTED)) {
  test(`fast reader accepts and matches: ${name}`, () => {
    assert.ok(assertSame(text, name), `${name} should be within the fast reader's subset`);
  });
}

const DECLINED: Record<string, string> = {
  'flow mapping': 'a: {b: 1}\n',
  'flow sequence with a mapping': 'a: [1, {b: 2}]\n',
  'flow sequence over two lines': 'a: [1,\n  2]\n',
  'flow sequence with an empty item': 'a: [1, , 2]\n',
  'flow sequence with a quoted comma': "a: ['x, y']\n",
  'flow sequence followed by text': 'a: [1] x\n',
  'anchor': 'a: &x 1\n',
  'alias': 'a: *x\n',
  'tag': 'a: !!str 1\n',
  'block scalar': 'a: |\n  text\n',
  'multi-line plain scalar': 'a: one\n  two\n',
  'multi-line quoted scalar': 'a: "one\n  two"\n',
  'escape in double quotes': 'a: "x\\ny"\n',
  'tab': 'a:\t1\n',
  'quoted key': '"a": 1\n',
  'boolean key': 'true: 1\n',
  'root sequence': '- a\n- b\n',
  'root scalar': 'just text\n',
  'indented root': '  a: 1\n',
  'bad indentation': 'a:\n    b: 1\n  c: 2\n',
  'directive': '%YAML 1.2\n---\na: 1\n',
  'document end marker': 'a: 1\n...\n',
  'nested compact sequence': 'a:\n  - - x\n',
  'colon in a plain value': 'a: b: c\n',
  'key without space after the colon': 'a:b\n',
  'value after a document marker': '--- a: 1\n',
  'lone CR': 'a: 1\rb: 2\n',
  'empty sequence item': 'a:\n  -\n  - x\n',
  'explicit key': '? a\n: 1\n',
  'deep nesting': Array.from({ length: 70 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n') + ' 1\n',
};

for (const [name, text] of Object.entries(DECLINED)) {
  test(`fast reader declines: ${name}`, () => {
    assert.is(readFastYaml(text), undefined);
  });
}

const UNSAFE_INTEGERS: Record<string, [string, number]> = {
  'a decimal just past 2^53 - 1': ['advertiser_id: 9007199254740992\n', 15],
  'a negative one': ['a: 1\nb: -9007199254740992  # c\n', 8],
  'hex': ['a: 0x20000000000000\n', 3],
  'octal': ['a: 0o400000000000000000\n', 3],
  'in a one-line flow sequence': ['a: [1, 18446744073709551616]\n', 7],
  'in a sequence item': ['a:\n  - 99999999999999999999\n', 7],
};

for (const [name, [text, offset]] of Object.entries(UNSAFE_INTEGERS)) {
  test(`an integer beyond ±(2^53 - 1) refuses its document in both readers, at the literal: ${name}`, () => {
    const fast = readFastYaml(text);
    assert.ok(fast, 'the fast reader should read this itself');
    assertSame(text, name);
    assert.equal(fast.documents, []);
    assert.equal(fast.problems.map((p) => [p.code, p.offset]), [['unsafe-integer', offset]]);
  });
}

test('the largest safe integers, and floats, are read as numbers', () => {
  for (const text of ['a: 9007199254740991\nb: -9007199254740991\nc: 0x1FFFFFFFFFFFFF\n', 'a: 1e20\nb: 9007199254740993.0\n']) {
    assert.ok(assertSame(text, text));
    assert.equal(readFastYaml(text)?.problems, []);
  }
  const flow = readFullYaml('{a: [9007199254740993]}\n');
  assert.equal(flow.problems.map((p) => [p.code, p.offset]), [['unsafe-integer', 5]]);
});

test('documents are counted as the yaml package counts them, refused and empty ones included', () => {
  const text = '# only a comment before the first marker\n---\na: 1\n---\n# empty\n---\nb: 9007199254740993\n---\nc: 3\n';
  assert.ok(assertSame(text, 'indexes'));
  const fast = readFastYaml(text);
  assert.equal(fast?.documents.map((d) => [d.index, d.root === null]), [[0, false], [1, true], [3, false]]);
  assert.equal(readFastYaml('a: 1\n---\nb: 2\n')?.documents.map((d) => d.index), [0, 1]);
});

test('plain scalars resolve like the yaml core schema', () => {
  for (const s of ['0', '-0', '12', '+12', '0o7', '0o8', '0x1f', '0xG', '1.', '.5', '1e5', '1E-2', '.inf', '-.Inf', '.nan', 'null', 'Null', 'NULL', 'nULL', '~', 'true', 'True', 'TRUE', 'tRUE', 'false', 'no', 'on', '1_0', '2001-01-01', '1:30', 'x']) {
    const full = readFullYaml(`a: ${s}\n`);
    const value = (roots(full)[0] as { pairs: Array<{ value: { value: unknown } }> }).pairs[0]?.value.value;
    assert.equal(resolvePlain(s), value, `'${s}'`);
  }
});

/** A small seeded PRNG, so a failure names a case that can be replayed. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = ['a', 'short_name', 'x1', 'value', 'Pixel', 'state', 'it\'s', 'a b', '10', '-3', '1.25', 'true', 'null', '~', 'hybrid', 'url', 'ümlaut', '', '9007199254740993', '-9007199254740991'];

function scalarText(r: () => number): string {
  const word = WORDS[Math.floor(r() * WORDS.length)] as string;
  const style = r();
  if (style < 0.15) return `'${word.replace(/'/g, "''")}'`;
  if (style < 0.3 && !word.includes('"')) return `"${word}"`;
  if (word === '' || word.startsWith('-') && !/^-\d/.test(word)) return `'${word}'`;
  return word;
}

function generate(r: () => number, indent: number, depth: number): string[] {
  const lines: string[] = [];
  const pad = ' '.repeat(indent);
  const count = 1 + Math.floor(r() * 4);
  for (let i = 0; i < count; i++) {
    const key = `k${depth}_${i}`;
    const roll = r();
    const comment = r() < 0.2 ? '   # note' : '';
    if (roll < 0.5 || depth > 4) {
      lines.push(`${pad}${key}: ${scalarText(r)}${comment}`);
    } else if (roll < 0.7) {
      lines.push(`${pad}${key}:${comment}`);
      lines.push(...generate(r, indent + 2, depth + 1));
    } else if (roll < 0.75) {
      lines.push(`${pad}${key}:`);
    } else if (roll < 0.8) {
      const items = ['description', 'x.y', "'a b'", '"c"', '12', '-4', 'true', 'null'].filter(() => r() < 0.4);
      lines.push(`${pad}${key}: [${items.join(r() < 0.5 ? ', ' : ',')}]${comment}`);
    } else {
      lines.push(`${pad}${key}:`);
      const indentless = r() < 0.3;
      const itemPad = indentless ? pad : `${pad}  `;
      const items = 1 + Math.floor(r() * 3);
      for (let j = 0; j < items; j++) {
        if (r() < 0.5) {
          lines.push(`${itemPad}- ${scalarText(r)}`);
        } else {
          const inner = generate(r, itemPad.length + 2, depth + 2);
          lines.push(`${itemPad}- ${(inner[0] as string).trimStart()}`, ...inner.slice(1));
        }
      }
    }
    if (r() < 0.1) lines.push('');
    if (r() < 0.05) lines.push(`${pad}# comment line`);
  }
  return lines;
}

test('generated block YAML: the fast reader reads what the yaml package reads', () => {
  let accepted = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const r = prng(seed);
    const docs = 1 + Math.floor(r() * 3);
    const parts: string[] = [];
    for (let d = 0; d < docs; d++) parts.push(generate(r, 0, 0).join('\n'));
    let text = `${parts.join('\n---\n')}\n`;
    if (r() < 0.2) text = text.replace(/\n/g, '\r\n');
    if (assertSame(text, `seed ${seed}:\n${text}`)) accepted++;
  }
  assert.ok(accepted > 300, `only ${accepted} of 400 generated files stayed in the subset`);
});

test.run();
