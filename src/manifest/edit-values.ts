import { isDeepStrictEqual } from 'node:util';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, Scalar, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Json } from './types.js';
import { renderKey, renderValue, type ScalarStyle } from './yaml-render.js';

/**
 * In-place edits of values in a manifest file, for `accept-drift`: every byte outside the edited spans stays as
 * it was (comments, key order, quoting, indentation, line endings, the other documents). An edit names a
 * document by its index among the file's documents (Manifest.source.document) and a value by a JSON pointer
 * from that document's root (`/spec/short_name`, `/spec/pixels/0/state`).
 *
 * What cannot be edited without rewriting text around it is refused with an EditError naming the pointer:
 * aliases and anchors, tags, multi-line scalars, block collections replaced whole, a mapping or list emptied in
 * block style at the document root. After editing, the text is parsed again and every edited document must
 * read back as exactly the intended value; if it does not, nothing is returned.
 */

export type ValueEdit =
  /** Replace a value (keeping a scalar's quoting style when the new value fits it), or add a missing key at the end of its mapping. */
  | { document: number; op: 'set'; pointer: string; value: Json }
  /** Remove a mapping key or a list item. */
  | { document: number; op: 'remove'; pointer: string }
  /** Add an item (a scalar or a small mapping) at the end of a list, in the list's style. */
  | { document: number; op: 'append'; pointer: string; value: Json };

export class EditError extends Error {
  constructor(
    readonly edit: ValueEdit,
    reason: string,
  ) {
    super(`cannot ${edit.op} ${edit.pointer === '' ? 'the document root' : edit.pointer} in document ${edit.document}: ${reason}`);
    this.name = 'EditError';
  }
}

/** One change of the original text: replace [start, end) with text. Inserts have start === end. */
interface Splice {
  start: number;
  end: number;
  text: string;
  edit: ValueEdit;
}

type Parent = { node: YAMLMap; pair: Pair<unknown, unknown> | undefined; key: string } | { node: YAMLSeq; index: number };

const unescapePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

function keyText(pair: Pair<unknown, unknown>): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

class FileEditor {
  readonly eol: string;

  constructor(readonly text: string) {
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
  }

  lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** The offset just past the line break of the line holding `offset` (the text's end on the last line). */
  nextLine(offset: number): number {
    const nl = this.text.indexOf('\n', offset);
    return nl === -1 ? this.text.length : nl + 1;
  }

  /** The end of the line's content (before its line break). */
  lineEnd(offset: number): number {
    const nl = this.text.indexOf('\n', offset);
    if (nl === -1) return this.text.length;
    return nl > 0 && this.text[nl - 1] === '\r' ? nl - 1 : nl;
  }

  onlySpacesBefore(offset: number): boolean {
    return /^ *$/.test(this.text.slice(this.lineStart(offset), offset));
  }

  /** Where the last value of a collection ends (its valueEnd), skipping back over trailing line breaks. */
  contentEnd(node: Node): number {
    let end = (node.range as [number, number, number])[1];
    while (end > 0 && /[\r\n ]/.test(this.text[end - 1] as string)) end--;
    return end;
  }
}

function refuseProps(node: unknown, edit: ValueEdit, what: string): void {
  if (isAlias(node)) throw new EditError(edit, `${what} is an alias; write the value out in full first`);
  const props = node as { anchor?: string; tag?: string } | null;
  if (props?.anchor !== undefined) throw new EditError(edit, `${what} carries the anchor &${props.anchor}, and aliases of it would change too`);
  if (props?.tag !== undefined && isScalar(node)) throw new EditError(edit, `${what} has the tag ${props.tag}`);
}

/** The node at the pointer's parent, and where the last segment points in it. */
function resolve(doc: Document.Parsed, edit: ValueEdit): Parent {
  const segments = edit.pointer === '' ? [] : edit.pointer.slice(1).split('/').map(unescapePointer);
  if (!edit.pointer.startsWith('/') && edit.pointer !== '') throw new EditError(edit, 'a JSON pointer starts with /');
  if (segments.length === 0) throw new EditError(edit, 'the document root itself cannot be edited, only values inside it');
  let node: unknown = doc.contents;
  for (let i = 0; i < segments.length; i++) {
    refuseProps(node, edit, i === 0 ? 'the document' : `/${segments.slice(0, i).join('/')}`);
    const segment = segments[i] as string;
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p) === segment);
      if (last) return { node, pair, key: segment };
      if (!pair) throw new EditError(edit, `there is no key '${segment}' on the way (set adds only the last key of a pointer)`);
      node = pair.value;
    } else if (isSeq(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(segment) || Number(segment) >= node.items.length) {
        throw new EditError(edit, `the list has no item ${segment} (append adds items)`);
      }
      if (last) return { node, index: Number(segment) };
      node = node.items[Number(segment)];
    } else {
      throw new EditError(edit, `/${segments.slice(0, i).join('/')} is not a mapping or a list`);
    }
  }
  throw new EditError(edit, 'unreachable');
}

function styleOf(node: Scalar): ScalarStyle {
  if (node.type === Scalar.QUOTE_SINGLE) return 'single';
  if (node.type === Scalar.QUOTE_DOUBLE) return 'double';
  return 'plain';
}

function inFlow(parent: YAMLMap | YAMLSeq): boolean {
  return parent.flow === true;
}

function replaceValue(file: FileEditor, edit: ValueEdit & { value: Json }, current: unknown, parent: YAMLMap | YAMLSeq): Splice {
  refuseProps(current, edit, 'the value');
  const flow = inFlow(parent);
  if (isScalar(current)) {
    const [start, end] = current.range as [number, number, number];
    if (current.type === Scalar.BLOCK_LITERAL || current.type === Scalar.BLOCK_FOLDED || /[\r\n]/.test(file.text.slice(start, end))) {
      throw new EditError(edit, 'the value is a multi-line scalar, which would have to be re-folded; edit it by hand');
    }
    const text = renderValue(edit.value, styleOf(current), flow);
    // An empty value (`key:`) has a zero-length range just after the colon.
    return { start, end, text: start === end ? ` ${text}` : text, edit };
  }
  const node = current as YAMLMap | YAMLSeq;
  const [start, end] = node.range as [number, number, number];
  if (!node.flow || /[\r\n]/.test(file.text.slice(start, end))) {
    throw new EditError(edit, 'the value is a block mapping or list; set, remove or append its items instead');
  }
  return { start, end, text: renderValue(edit.value, 'plain', flow), edit };
}

function addKey(file: FileEditor, edit: ValueEdit & { value: Json }, map: YAMLMap, key: string): Splice {
  const entry = `${renderKey(key, map.flow === true)}: ${renderValue(edit.value, 'plain', map.flow === true)}`;
  if (map.flow) {
    const close = file.contentEnd(map) - 1;
    if (file.text[close] !== '}') throw new EditError(edit, 'the mapping does not end where expected');
    return { start: close, end: close, text: map.items.length === 0 ? entry : `, ${entry}`, edit };
  }
  const first = map.items[0]?.key as Node | undefined;
  if (!first?.range) throw new EditError(edit, 'the mapping is empty');
  const indent = first.range[0] - file.lineStart(first.range[0]);
  const lastValue = (map.items[map.items.length - 1]?.value ?? map.items[map.items.length - 1]?.key) as Node;
  const after = file.lineEnd(file.contentEnd(lastValue) - 1);
  return { start: after, end: after, text: `${file.eol}${' '.repeat(indent)}${entry}`, edit };
}

function removeFromFlow(file: FileEditor, edit: ValueEdit, items: Array<{ start: number; end: number }>, index: number): Splice {
  const item = items[index] as { start: number; end: number };
  const next = items[index + 1];
  const previous = items[index - 1];
  if (next) return { start: item.start, end: next.start, text: '', edit };
  if (previous) return { start: previous.end, end: item.end, text: '', edit };
  return { start: item.start, end: item.end, text: '', edit };
}

/** Spans of a collection's entries: a pair from its key to its value's end, a list item from its start to its end. */
function spans(file: FileEditor, collection: YAMLMap | YAMLSeq): Array<{ start: number; end: number }> {
  return (collection.items as unknown[]).map((item) => {
    if (isMap(collection)) {
      const pair = item as Pair<Node, Node | null>;
      const start = (pair.key.range as [number, number, number])[0];
      const end = pair.value?.range ? file.contentEnd(pair.value) : (pair.key.range as [number, number, number])[1];
      return { start, end };
    }
    const node = item as Node;
    if (!node?.range) throw new Error('list item without a position');
    return { start: node.range[0], end: file.contentEnd(node) };
  });
}

function removeEntry(file: FileEditor, edit: ValueEdit, collection: YAMLMap | YAMLSeq, index: number): Splice {
  for (const item of collection.items as unknown[]) refuseProps(isMap(collection) ? (item as Pair).value : item, edit, 'an entry of the collection');
  const entries = spans(file, collection);
  if (collection.flow) return removeFromFlow(file, edit, entries, index);
  const entry = entries[index] as { start: number; end: number };
  // A block list item starts at its '-'.
  let start = entry.start;
  if (isSeq(collection)) {
    start = file.text.lastIndexOf('-', entry.start);
    if (start === -1 || !/^ *$/.test(file.text.slice(start + 1, entry.start))) throw new EditError(edit, 'the item does not start with its own -');
  }
  if (entries.length === 1) {
    // Emptied, a block collection would read as null: write the empty flow collection in its place.
    const [from] = collection.range as [number, number, number];
    const empty = isMap(collection) ? '{}' : '[]';
    // Under a key, on the key's own line: `pixels: []`.
    let colon = from;
    while (colon > 0 && /[ \r\n]/.test(file.text[colon - 1] as string)) colon--;
    if (colon < from && file.text[colon - 1] === ':') return { start: colon, end: file.contentEnd(collection), text: ` ${empty}`, edit };
    return { start: from, end: file.contentEnd(collection), text: empty, edit };
  }
  if (!file.onlySpacesBefore(start)) {
    // The first key of a list item's mapping (`- pixel: a`): the next key moves up into its place.
    const next = entries[index + 1];
    if (!next) throw new EditError(edit, 'the entry shares its line with another');
    return { start, end: next.start, text: '', edit };
  }
  return { start: file.lineStart(start), end: file.nextLine(entry.end), text: '', edit };
}

function appendItem(file: FileEditor, edit: ValueEdit & { value: Json }, list: YAMLSeq): Splice {
  for (const item of list.items) refuseProps(item, edit, 'an item of the list');
  if (list.flow) {
    const close = file.contentEnd(list) - 1;
    if (file.text[close] !== ']') throw new EditError(edit, 'the list does not end where expected');
    const text = renderValue(edit.value, 'plain', true);
    return { start: close, end: close, text: list.items.length === 0 ? text : `, ${text}`, edit };
  }
  const firstDash = (list.range as [number, number, number])[0];
  const indent = firstDash - file.lineStart(firstDash);
  const lastItem = list.items[list.items.length - 1] as Node;
  const after = file.lineEnd(file.contentEnd(lastItem) - 1);
  const pad = ' '.repeat(indent);
  const value = edit.value;
  let text: string;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    // In the siblings' style: `- key: value` and the other keys aligned under the first.
    const sibling = list.items.find((item) => isMap(item) && !item.flow) as YAMLMap | undefined;
    const keyStart = (sibling?.items[0]?.key as Node | undefined)?.range?.[0];
    const gap = keyStart === undefined ? 2 : keyStart - file.lineStart(keyStart) - indent;
    const lines = Object.entries(value).map(([k, v]) => `${renderKey(k)}: ${renderValue(v)}`);
    text = lines.map((line, i) => (i === 0 ? `${pad}-${' '.repeat(gap - 1)}${line}` : `${pad}${' '.repeat(gap)}${line}`)).join(file.eol);
  } else {
    text = `${pad}- ${renderValue(value)}`;
  }
  return { start: after, end: after, text: `${file.eol}${text}`, edit };
}

function spliceFor(file: FileEditor, doc: Document.Parsed, edit: ValueEdit): Splice {
  const parent = resolve(doc, edit);
  if (edit.op === 'append') {
    const target = isMap(parent.node) ? (parent as { pair?: Pair }).pair?.value : parent.node.items[(parent as { index: number }).index];
    refuseProps(target, edit, 'the list');
    if (!isSeq(target)) throw new EditError(edit, 'the value is not a list');
    return appendItem(file, edit, target);
  }
  if (edit.op === 'remove') {
    const index = isMap(parent.node) ? parent.node.items.indexOf((parent as { pair?: Pair }).pair as Pair) : (parent as { index: number }).index;
    if (index === -1) throw new EditError(edit, 'there is no such key');
    return removeEntry(file, edit, parent.node, index);
  }
  if (isMap(parent.node)) {
    const { pair, key } = parent as { pair?: Pair; key: string };
    return pair ? replaceValue(file, edit, pair.value, parent.node) : addKey(file, edit, parent.node, key);
  }
  return replaceValue(file, edit, parent.node.items[(parent as { index: number }).index], parent.node);
}

/** What the document's value must be after the edits: the same edits applied to its plain JS value. */
function applyToValue(value: Json, edit: ValueEdit): Json {
  const segments = edit.pointer.slice(1).split('/').map(unescapePointer);
  const copy = structuredClone(value) as Json;
  let node = copy as { [key: string]: Json } | Json[];
  for (const segment of segments.slice(0, -1)) node = (node as Record<string, Json>)[segment] as { [key: string]: Json };
  const last = segments[segments.length - 1] as string;
  if (edit.op === 'set') (node as Record<string, Json>)[last] = edit.value;
  else if (edit.op === 'append') ((node as Record<string, Json>)[last] as Json[]).push(edit.value);
  else if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return copy;
}

/**
 * `text` with the edits applied. Pure: no I/O. Throws EditError for an edit it cannot make safely, and for
 * edits that overlap; nothing is applied unless all are.
 */
export function editValues(text: string, edits: readonly ValueEdit[]): string {
  if (edits.length === 0) return text;
  const file = new FileEditor(text);
  const docs = parseAllDocuments(text, { version: '1.2', uniqueKeys: false });
  if (!Array.isArray(docs)) throw new EditError(edits[0] as ValueEdit, 'the file holds no document');
  const splices: Splice[] = [];
  const expected = new Map<number, Json>();
  for (const edit of edits) {
    const doc = docs[edit.document];
    if (!doc) throw new EditError(edit, `the file has ${docs.length} document${docs.length === 1 ? '' : 's'}`);
    if (doc.errors.length > 0) throw new EditError(edit, `the document does not parse (${doc.errors[0]?.message.split('\n')[0]})`);
    splices.push(spliceFor(file, doc, edit));
    expected.set(edit.document, applyToValue(expected.has(edit.document) ? (expected.get(edit.document) as Json) : (doc.toJS() as Json), edit));
  }
  // Stable: inserts at one place keep the order of their edits.
  const ordered = splices.map((s, i) => ({ s, i })).sort((a, b) => a.s.start - b.s.start || a.i - b.i).map((x) => x.s);
  for (let i = 1; i < ordered.length; i++) {
    const previous = ordered[i - 1] as Splice;
    const current = ordered[i] as Splice;
    if (current.start < previous.end || (current.start === previous.start && previous.end > previous.start)) {
      throw new EditError(current.edit, `it overlaps the edit of ${previous.edit.pointer}; make them in two passes`);
    }
  }
  let out = '';
  let at = 0;
  for (const splice of ordered) {
    out += text.slice(at, splice.start) + splice.text;
    at = splice.end;
  }
  out += text.slice(at);

  // The proof: every document reads back as intended, the edited ones with their edits and the others unchanged.
  const reread = parseAllDocuments(out, { version: '1.2', uniqueKeys: false });
  const after = Array.isArray(reread) ? reread : [];
  docs.forEach((before, index) => {
    const doc = after[index];
    const intended = expected.has(index) ? expected.get(index) : before.toJS();
    if (!doc || doc.errors.length > 0 || after.length !== docs.length || !isDeepStrictEqual(doc.toJS(), intended)) {
      const edit = edits.find((e) => e.document === index) ?? (edits[0] as ValueEdit);
      throw new EditError(edit, 'the edited text would not read back as the intended value; edit this file by hand');
    }
  });
  return out;
}
