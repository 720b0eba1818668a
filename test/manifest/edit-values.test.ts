import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isMap, isSeq, parseAllDocuments, type Node } from 'yaml';
import { editValues, EditError, type ValueEdit } from '../../src/manifest/edit-values.js';
import type { Json } from '../../src/manifest/types.js';
import { Prng } from '../../src/sandbox/random.js';

/** In-place edits: exact bytes out for bytes in, refusals that name the pointer, and random edits checked by the yaml package. */

const SEGMENT = [
  '# yaml-language-server: $schema=../schemas/manifest.schema.json',
  'apiVersion: xandr-sync/v1',
  'kind: Segment',
  'metadata:',
  '  name: retargeting   # the code',
  'spec:',
  "  short_name: 'Retargeting'   # shown in the console",
  '  expire_minutes: 20160',
  '  description:',
  '  piggyback_pixels:',
  '    - url: "https://a.example/p.gif"',
  '      pixel_type: img',
  '  querystring_mapping: {param: band, values: [low, mid]}',
  '---',
  'apiVersion: xandr-sync/v1',
  'kind: Segment',
  'metadata: {name: other}',
  'spec:',
  '  short_name: Other',
  '',
].join('\n');

const set = (pointer: string, value: Json, document = 0): ValueEdit => ({ document, op: 'set', pointer, value });
const remove = (pointer: string, document = 0): ValueEdit => ({ document, op: 'remove', pointer });
const append = (pointer: string, value: Json, document = 0): ValueEdit => ({ document, op: 'append', pointer, value });

/** The expected output: SEGMENT with its lines replaced (`[line index, new lines]`, applied bottom-up). */
function lines(changes: Array<[number, number, string[]]>, base = SEGMENT): string {
  const out = base.split('\n');
  for (const [at, count, added] of [...changes].sort((a, b) => b[0] - a[0])) out.splice(at, count, ...added);
  return out.join('\n');
}

const CASES: Array<[string, ValueEdit[], string]> = [
  ['a single-quoted scalar stays single-quoted, comment kept', [set('/spec/short_name', "Buyers' club")], lines([[6, 1, ["  short_name: 'Buyers'' club'   # shown in the console"]]])],
  ['a plain number becomes another number', [set('/spec/expire_minutes', 10080)], lines([[7, 1, ['  expire_minutes: 10080']]])],
  ['an empty value gets one', [set('/spec/description', 'Cart abandoners')], lines([[8, 1, ['  description: Cart abandoners']]])],
  ['a double-quoted scalar stays double-quoted', [set('/spec/piggyback_pixels/0/url', 'https://b.example/"q"')], lines([[10, 1, ['    - url: "https://b.example/\\"q\\""']]])],
  ['a plain string that would read as another type is quoted', [set('/spec/piggyback_pixels/0/pixel_type', 'true')], lines([[11, 1, ['      pixel_type: "true"']]])],
  ['a quoted string replaced by a number is written plain', [set('/spec/short_name', 12)], lines([[6, 1, ['  short_name: 12   # shown in the console']]])],
  ['a missing key goes at the end of its block mapping', [set('/spec/state', 'active')], lines([[12, 1, ['  querystring_mapping: {param: band, values: [low, mid]}', '  state: active']]])],
  ['a missing key in a flow mapping', [set('/spec/querystring_mapping/value_type', 'text')], lines([[12, 1, ['  querystring_mapping: {param: band, values: [low, mid], value_type: text}']]])],
  ['a flow list item', [set('/spec/querystring_mapping/values/1', 'high, really')], lines([[12, 1, ['  querystring_mapping: {param: band, values: [low, "high, really"]}']]])],
  ['a key of a list item', [remove('/spec/piggyback_pixels/0/pixel_type')], lines([[11, 1, []]])],
  ['the first key of a list item: the next moves up', [remove('/spec/piggyback_pixels/0/url')], lines([[10, 2, ['    - pixel_type: img']]])],
  ['the last item of a block list leaves []', [remove('/spec/piggyback_pixels/0')], lines([[9, 3, ['  piggyback_pixels: []']]])],
  ['a key with its comment', [remove('/spec/short_name')], lines([[6, 1, []]])],
  ['a flow entry with its comma', [remove('/spec/querystring_mapping/param')], lines([[12, 1, ['  querystring_mapping: {values: [low, mid]}']]])],
  ['the last flow list item', [remove('/spec/querystring_mapping/values/1')], lines([[12, 1, ['  querystring_mapping: {param: band, values: [low]}']]])],
  ['a mapping appended to a block list, in its style', [append('/spec/piggyback_pixels', { url: 'https://c.example/x.js', pixel_type: 'js' })], lines([[12, 0, ['    - url: https://c.example/x.js', '      pixel_type: js']]])],
  ['a scalar appended to a flow list', [append('/spec/querystring_mapping/values', 'high')], lines([[12, 1, ['  querystring_mapping: {param: band, values: [low, mid, high]}']]])],
  ['the second document, by index', [set('/spec/short_name', 'Renamed', 1), set('/metadata/protect', true, 1)], lines([[16, 1, ['metadata: {name: other, protect: true}']], [18, 1, ['  short_name: Renamed']]])],
  ['several edits of one document, inserts in their order', [set('/spec/state', 'active'), set('/spec/price', 0), remove('/spec/expire_minutes')], lines([[7, 1, []], [12, 1, ['  querystring_mapping: {param: band, values: [low, mid]}', '  state: active', '  price: 0']]])],
];

for (const [name, edits, expected] of CASES) {
  test(`edit: ${name}`, () => {
    assert.fixture(editValues(SEGMENT, edits), expected);
  });
  test(`edit, CRLF: ${name}`, () => {
    assert.fixture(editValues(SEGMENT.replace(/\n/g, '\r\n'), edits), expected.replace(/\n/g, '\r\n'));
  });
}

test('no edits: the text is returned as it is', () => {
  assert.is(editValues(SEGMENT, []), SEGMENT);
});

const REFUSED: Array<[string, string, ValueEdit, RegExp]> = [
  ['an alias', 'a: &x 1\nb: *x\n', set('/b', 2), /cannot set \/b in document 0: the value is an alias/],
  ['an anchored value', 'a: &x 1\nb: *x\n', set('/a', 2), /carries the anchor &x/],
  ['a path through an alias', 'a: &x {c: 1}\nb: *x\n', set('/b/c', 2), /\/b is an alias/],
  ['a tagged scalar', 'a: !!str 1\n', set('/a', '2'), /has the tag/],
  ['a block scalar', 'a: |\n  one\n  two\n', set('/a', 'x'), /multi-line scalar/],
  ['a multi-line plain scalar', 'a: one\n  two\n', set('/a', 'x'), /multi-line scalar/],
  ['a block list set whole', 'a:\n  - 1\n', set('/a', [2]), /block mapping or list; set, remove or append its items/],
  ['a missing key on the way', 'a: 1\n', set('/b/c', 2), /no key 'b' on the way/],
  ['a list index past the end', 'a: [1]\n', set('/a/1', 2), /no item 1 \(append adds items\)/],
  ['append to a mapping', 'a: {b: 1}\n', append('/a', 2), /not a list/],
  ['remove a missing key', 'a: 1\n', remove('/b'), /no such key/],
  ['a document that is not there', 'a: 1\n', set('/a', 2, 3), /in document 3: the file has 1 document/],
  ['a document that does not parse', 'a: [1\n', set('/a', 2), /does not parse/],
  ['the root', 'a: 1\n', set('', 2), /the document root itself/],
];

for (const [name, text, edit, message] of REFUSED) {
  test(`refused: ${name}`, () => {
    try {
      editValues(text, [edit]);
      assert.unreachable('should refuse');
    } catch (error) {
      assert.instance(error, EditError);
      assert.match((error as Error).message, message);
      assert.is((error as EditError).edit, edit);
    }
  });
}

test('refused: edits that overlap, with nothing applied', () => {
  assert.throws(() => editValues(SEGMENT, [set('/spec/expire_minutes', 1), remove('/spec/expire_minutes')]), /overlaps the edit of \/spec\/expire_minutes/);
});

// ---- property test ----

const WORDS = ['x', 'Retargeting', "it's", 'a b', '12', 'true', 'null', '', 'café', 'a: b', '#tag', '-dash', 'x,y', '"q"', 'line\nbreak', ' pad'];

function randomScalar(r: () => number): Json {
  const roll = r();
  if (roll < 0.5) return WORDS[Math.floor(r() * WORDS.length)] as string;
  if (roll < 0.7) return Math.floor(r() * 100000) - 500;
  if (roll < 0.8) return Math.round(r() * 1000) / 8;
  if (roll < 0.9) return r() < 0.5;
  return null;
}

function randomValue(r: () => number): Json {
  if (r() < 0.8) return randomScalar(r);
  if (r() < 0.5) return [randomScalar(r), randomScalar(r)];
  return { k: randomScalar(r), 'two words': randomScalar(r) };
}

const STYLES = [(s: string) => s, (s: string) => `'${s}'`, (s: string) => `"${s}"`];

function randomDocument(r: () => number, eol: string): string {
  const lines = ['apiVersion: xandr-sync/v1', 'kind: Segment', 'metadata:', '  name: n   # name', 'spec:'];
  const fields = 2 + Math.floor(r() * 4);
  for (let i = 0; i < fields; i++) {
    const roll = r();
    const style = STYLES[Math.floor(r() * STYLES.length)] as (s: string) => string;
    if (roll < 0.4) lines.push(`  f${i}: ${style('v' + i)}${r() < 0.3 ? '  # note' : ''}`);
    else if (roll < 0.5) lines.push(`  f${i}:`);
    else if (roll < 0.65) lines.push(`  f${i}: [a${i}, ${style('b')}]`);
    else if (roll < 0.75) lines.push(`  f${i}: {p: 1, q: ${style('two')}}`);
    else if (roll < 0.88) lines.push(`  f${i}:`, `    - ${style('one')}`, '    - 2');
    else lines.push(`  f${i}:`, `    - url: ${style('u')}`, '      pixel_type: img', `    - url: ${style('w')}`);
  }
  return lines.join(eol) + eol;
}

/** Every editable place of a document, from the yaml package's own view of it. */
function randomEdit(r: () => number, doc: unknown, document: number): ValueEdit {
  const places: Array<{ pointer: string; node: unknown; inSeq: boolean; parent: unknown }> = [];
  const visit = (node: unknown, pointer: string, parent: unknown, inSeq: boolean) => {
    places.push({ pointer, node, inSeq, parent });
    if (isMap(node)) for (const pair of node.items) visit(pair.value, `${pointer}/${String((pair.key as { value: unknown }).value)}`, node, false);
    else if (isSeq(node)) node.items.forEach((item, i) => visit(item, `${pointer}/${i}`, node, true));
  };
  visit((doc as { contents: unknown }).contents, '', null, false);
  const candidates = places.filter((p) => p.pointer.startsWith('/spec/'));
  const place = candidates[Math.floor(r() * candidates.length)] as (typeof candidates)[number];
  const roll = r();
  if (isSeq(place.node) && roll < 0.5) {
    const value = place.node.flow ? randomScalar(r) : r() < 0.5 ? randomScalar(r) : { url: randomScalar(r), pixel_type: 'js' };
    return { document, op: 'append', pointer: place.pointer, value };
  }
  if (roll < 0.7 && !(isMap(place.node) || isSeq(place.node))) return { document, op: 'set', pointer: place.pointer, value: randomValue(r) };
  if (roll < 0.85 && isMap(place.node)) return { document, op: 'set', pointer: `${place.pointer}/added`, value: randomValue(r) };
  return { document, op: 'remove', pointer: place.pointer };
}

function applyToJs(value: Json, edit: ValueEdit): Json {
  const copy = structuredClone(value);
  const segments = edit.pointer.slice(1).split('/');
  let node = copy as Record<string, Json>;
  for (const s of segments.slice(0, -1)) node = node[s] as Record<string, Json>;
  const last = segments[segments.length - 1] as string;
  if (edit.op === 'set') node[last] = edit.value;
  else if (edit.op === 'append') (node[last] as Json[]).push(edit.value);
  else if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return copy;
}

test('random edits: the yaml package reads exactly the edited value, and nothing outside the edited collection changes', () => {
  let applied = 0;
  const ops: Record<string, number> = {};
  for (let seed = 1; seed <= 300; seed++) {
    const prng = new Prng(seed);
    const r = () => prng.next();
    const eol = r() < 0.3 ? '\r\n' : '\n';
    const text = `# head${eol}${randomDocument(r, eol)}---${eol}${randomDocument(r, eol)}`;
    const docs = parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[];
    const document = Math.floor(r() * 2);
    const edit = randomEdit(r, docs[document], document);
    let out: string;
    try {
      out = editValues(text, [edit]);
    } catch (error) {
      if (!(error instanceof EditError)) throw error;
      continue;
    }
    applied++;
    ops[edit.op] = (ops[edit.op] ?? 0) + 1;
    const label = `seed ${seed}: ${JSON.stringify(edit)}\n${text}\n=>\n${out}`;
    const after = parseAllDocuments(out) as unknown as Array<{ toJS(): Json; errors: unknown[] }>;
    assert.equal(after.map((d) => d.errors.length), [0, 0], label);
    const before = (docs as unknown as Array<{ toJS(): Json }>).map((d) => d.toJS());
    assert.equal(after.map((d) => d.toJS()), before.map((v, i) => (i === document ? applyToJs(v, edit) : v)), label);
    // The bytes that changed lie within the lines of the collection that holds the edited entry.
    let prefix = 0;
    while (prefix < text.length && text[prefix] === out[prefix]) prefix++;
    let suffix = 0;
    while (suffix < text.length - prefix && text[text.length - 1 - suffix] === out[out.length - 1 - suffix]) suffix++;
    const parentPointer = edit.op === 'append' || (edit.op === 'set' && edit.pointer.endsWith('/added')) ? edit.pointer.replace(/\/added$/, '') : edit.pointer.replace(/\/[^/]+$/, '');
    const holder = (docs[document] as unknown as { getIn(path: string[]): unknown }).getIn(parentPointer.slice(1).split('/')) as Node | undefined;
    const [start, end] = holder?.range ?? [0, text.length];
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const nextLine = text.indexOf('\n', end);
    assert.ok(prefix >= lineStart - 1 && text.length - suffix <= (nextLine === -1 ? text.length : nextLine + 1), `${label}\nchanged [${prefix}, ${text.length - suffix}) outside [${lineStart}, ${nextLine + 1})`);
  }
  for (const op of ['set', 'remove', 'append']) assert.ok((ops[op] ?? 0) >= 10, `only ${ops[op] ?? 0} random ${op} edits`);
  assert.ok(applied > 200, `only ${applied} of 300 random edits could be made`);
});

test.run();
