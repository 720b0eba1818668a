import {
  INTEGER_LITERAL,
  MAX_DEPTH,
  unsafeIntegerProblem,
  type ParsedYaml,
  type Problem,
  type YDocument,
  type YMap,
  type YNode,
  type YPair,
  type YScalar,
  type YSeq,
} from './yaml-tree.js';

/**
 * A reader for the plain block YAML that manifests are written in: block mappings with identifier keys, block
 * sequences, one-line plain or quoted scalars, comments and `---` separators. It exists because the `yaml`
 * package reads about 2 MB/s on a small CI runner, and a member with 28,000 objects must validate in well
 * under two seconds.
 *
 * It never decides anything about input it does not fully understand: at the first line outside that subset
 * it returns undefined and the caller reads the file with the `yaml` package instead (which also reports
 * every syntax error). Within the subset it must produce exactly the tree yaml-full.ts produces; the tests
 * compare both on every fixture and on generated documents.
 */

// Tabs, control characters, C1 controls, a BOM or non-character inside the text, Unicode line separators and a
// lone CR all have YAML rules of their own: leave them to the full parser.
const OUTSIDE_SUBSET = /[\t\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|\r(?!\n)/;

/** A flow sequence item the fast reader takes: a word, or a quoted text without quotes, brackets, commas or '#'. */
const FLOW_ITEM = /^( *)((?:-(?=[0-9]))?[A-Za-z0-9_][A-Za-z0-9_.\/-]*|'[^'\[\]{},#]*'|"[^"\\\[\]{},#]*") *$/;

const RESERVED_KEY = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
const MAX_KEY_LENGTH = 1000;

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;

class OutsideSubset extends Error {}
const bail = (): never => {
  throw new OutsideSubset();
};

/** The YAML 1.2 core schema's resolution of a plain scalar, in the order the `yaml` package tries its tags. */
export function resolvePlain(s: string): null | boolean | number | string {
  const c = s.charCodeAt(0);
  // Fast exit: every non-string core value starts with one of these characters.
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70)) {
    return s;
  }
  if (/^(?:~|[Nn]ull|NULL)$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(s)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(s)) return false;
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

interface Frame {
  node: YMap | YSeq;
  indent: number;
  /** A sequence written at its parent key's indentation (`key:\n- a`): it ends at the next non-`-` line there. */
  indentless: boolean;
}

type Pending = { kind: 'key'; pair: YPair; indent: number } | { kind: 'item'; seq: YSeq; indent: number };

class FastReader {
  private readonly documents: YDocument[] = [];
  private readonly problems: Problem[] = [];
  /** The current document's first refusal: like the `yaml`-package reader, such a document is left out. */
  private refused: Problem | undefined;
  /** Whether the current document has begun: with a `---`, or with content before the first one. */
  private started = false;
  private index = 0;
  private stack: Frame[] = [];
  private root: YMap | null = null;
  private pending: Pending | undefined;
  /** Indentation of the last entry that ended with a scalar; a deeper line after it would continue the scalar. */
  private scalarIndent = -1;

  constructor(private readonly text: string) {}

  read(): ParsedYaml {
    const { text } = this;
    let lineStart = 0;
    while (lineStart <= text.length) {
      let lineEnd = text.indexOf('\n', lineStart);
      const next = lineEnd === -1 ? text.length + 1 : lineEnd + 1;
      if (lineEnd === -1) lineEnd = text.length;
      if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
      this.line(lineStart, lineEnd);
      lineStart = next;
    }
    this.finishDocument();
    return { documents: this.documents, problems: this.problems };
  }

  private line(lineStart: number, end: number): void {
    const { text } = this;
    let c = lineStart;
    while (c < end && text.charCodeAt(c) === SPACE) c++;
    if (c === end) return;
    const ch = text.charCodeAt(c);
    if (ch === HASH) return;
    const indent = c - lineStart;
    if (indent === 0) {
      if (text.startsWith('---', c) && (c + 3 === end || text.charCodeAt(c + 3) === SPACE)) {
        if (this.restIsComment(c + 3, end) === false) bail();
        this.finishDocument();
        this.started = true;
        return;
      }
      if (text.startsWith('...', c) || ch === 37 /* % */) bail();
    }
    if (this.scalarIndent >= 0 && indent > this.scalarIndent) bail();
    this.scalarIndent = -1;
    const isDash = ch === DASH && (c + 1 === end || text.charCodeAt(c + 1) === SPACE);

    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      if (indent > pending.indent || (indent === pending.indent && pending.kind === 'key' && isDash)) {
        const node: YMap | YSeq = isDash ? { type: 'seq', offset: c, items: [] } : { type: 'map', offset: c, pairs: [] };
        if (pending.kind === 'key') pending.pair.value = node;
        else pending.seq.items.push(node);
        this.push(node, indent, indent === pending.indent);
      } else {
        if (pending.kind === 'item') bail();
        const { pair } = pending as { pair: YPair };
        pair.value = { type: 'scalar', offset: pair.keyOffset, value: null };
      }
    }

    const { stack } = this;
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) break;
      if (top.indent > indent || (top.indent === indent && top.indentless && !isDash)) stack.pop();
      else break;
    }
    if (stack.length === 0) {
      if (this.root || indent !== 0 || isDash) bail();
      this.started = true;
      this.root = { type: 'map', offset: c, pairs: [] };
      this.push(this.root, 0, false);
    }
    const top = stack[stack.length - 1] as Frame;
    if (top.indent !== indent) bail();
    if (top.node.type === 'map') {
      if (isDash) bail();
      this.entry(top.node, c, end, indent);
      return;
    }
    if (!isDash) bail();
    const seq = top.node;
    let q = c + 1;
    while (q < end && text.charCodeAt(q) === SPACE) q++;
    if (q === end || text.charCodeAt(q) === HASH) {
      this.pending = { kind: 'item', seq, indent };
      return;
    }
    if (text.charCodeAt(q) === DASH && (q + 1 === end || text.charCodeAt(q + 1) === SPACE)) bail();
    if (this.keyEnd(q, end) !== -1) {
      const map: YMap = { type: 'map', offset: q, pairs: [] };
      seq.items.push(map);
      this.push(map, q - (c - indent), false);
      this.entry(map, q, end, q - (c - indent));
      return;
    }
    seq.items.push(this.scalar(q, end));
    this.scalarIndent = indent;
  }

  private push(node: YMap | YSeq, indent: number, indentless: boolean): void {
    if (this.stack.length >= MAX_DEPTH) bail();
    this.stack.push({ node, indent, indentless });
  }

  /** End of an identifier key followed by ':' and a space or the end of the line; -1 if the line is no such entry. */
  private keyEnd(c: number, end: number): number {
    const { text } = this;
    let k = c;
    const first = text.charCodeAt(k);
    if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first === 95)) return -1;
    k++;
    for (; k < end; k++) {
      const x = text.charCodeAt(k);
      if (!((x >= 65 && x <= 90) || (x >= 97 && x <= 122) || (x >= 48 && x <= 57) || x === 95)) break;
    }
    if (k >= end || text.charCodeAt(k) !== COLON) return -1;
    if (k + 1 < end && text.charCodeAt(k + 1) !== SPACE) return -1;
    return k;
  }

  private entry(map: YMap, c: number, end: number, indent: number): void {
    const k = this.keyEnd(c, end);
    if (k === -1 || k - c > MAX_KEY_LENGTH) bail();
    const key = this.text.slice(c, k);
    if (RESERVED_KEY.test(key)) bail();
    const pair: YPair = { key, keyOffset: c, value: undefined as unknown as YNode };
    map.pairs.push(pair);
    let q = k + 1;
    while (q < end && this.text.charCodeAt(q) === SPACE) q++;
    if (q === end || this.text.charCodeAt(q) === HASH) {
      this.pending = { kind: 'key', pair, indent };
      return;
    }
    pair.value = this.scalar(q, end);
    this.scalarIndent = indent;
  }

  /** true when [from, end) is empty, spaces, or spaces then a comment; false otherwise. */
  private restIsComment(from: number, end: number): boolean {
    let q = from;
    while (q < end && this.text.charCodeAt(q) === SPACE) q++;
    return q === end || (q > from && this.text.charCodeAt(q) === HASH);
  }

  private scalar(q: number, end: number): YNode {
    const { text } = this;
    const ch = text[q] as string;
    if (ch === "'") {
      let j = q + 1;
      for (;;) {
        j = this.find(39, j, end);
        if (j === -1) bail();
        if (j + 1 < end && text.charCodeAt(j + 1) === 39) j += 2;
        else break;
      }
      if (!this.restIsComment(j + 1, end)) bail();
      return { type: 'scalar', offset: q, value: text.slice(q + 1, j).replaceAll("''", "'") };
    }
    if (ch === '"') {
      const j = this.find(34, q + 1, end);
      if (j === -1) bail();
      const value = text.slice(q + 1, j);
      if (value.includes('\\') || !this.restIsComment(j + 1, end)) bail();
      return { type: 'scalar', offset: q, value };
    }
    if (ch === '[') return this.flowSequence(q, end);
    if ('[]{}&*!|>%@`,?:#'.includes(ch)) bail();
    if (ch === '-') {
      const after = text.charCodeAt(q + 1);
      if (!((after >= 48 && after <= 57) || after === 46)) bail();
    }
    let cut = end;
    for (let h = this.find(HASH, q, end); h !== -1; h = this.find(HASH, h + 1, end)) {
      if (text.charCodeAt(h - 1) === SPACE) {
        cut = h;
        break;
      }
    }
    while (cut > q && text.charCodeAt(cut - 1) === SPACE) cut--;
    const source = text.slice(q, cut);
    if (source.includes(': ') || source.endsWith(':')) bail();
    return this.plain(source, q);
  }

  /** A plain scalar; an integer literal beyond what a number holds exactly refuses the document. */
  private plain(source: string, offset: number): YScalar {
    const value = resolvePlain(source);
    if (typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value) && INTEGER_LITERAL.test(source)) {
      this.refused ??= unsafeIntegerProblem(source, offset);
    }
    return { type: 'scalar', offset, value };
  }

  /**
   * A one-line flow sequence of simple scalars, `[description, state]` or `[]`: common in manifests
   * (ignore_changes, an empty pixels list). Anything fancier inside the brackets goes to the full parser.
   */
  private flowSequence(q: number, end: number): YNode {
    const close = this.find(93 /* ] */, q + 1, end);
    if (close === -1 || !this.restIsComment(close + 1, end)) bail();
    const seq: YSeq = { type: 'seq', offset: q, items: [] };
    const inner = this.text.slice(q + 1, close);
    if (/^ *$/.test(inner)) return seq;
    let offset = q + 1;
    for (const part of inner.split(',')) {
      const match = FLOW_ITEM.exec(part);
      if (!match) bail();
      const [, lead, item] = match as unknown as [string, string, string];
      const at = offset + lead.length;
      const first = item[0];
      seq.items.push(first === "'" || first === '"' ? { type: 'scalar', offset: at, value: item.slice(1, -1) } : this.plain(item, at));
      offset += part.length + 1;
    }
    return seq;
  }

  /** Index of a character within [from, end), or -1. (indexOf would search past the line, once per scalar.) */
  private find(code: number, from: number, end: number): number {
    const { text } = this;
    for (let i = from; i < end; i++) if (text.charCodeAt(i) === code) return i;
    return -1;
  }

  private finishDocument(): void {
    const pending = this.pending;
    if (pending) {
      if (pending.kind === 'item') bail();
      const { pair } = pending as { pair: YPair };
      pair.value = { type: 'scalar', offset: pair.keyOffset, value: null };
    }
    this.pending = undefined;
    this.scalarIndent = -1;
    if (this.refused) this.problems.push(this.refused);
    else if (this.started) this.documents.push({ root: this.root, index: this.index });
    if (this.started) this.index++;
    this.started = false;
    this.refused = undefined;
    this.root = null;
    this.stack = [];
  }
}

/** The documents of `text`, or undefined when it uses YAML beyond the subset described above. */
export function readFastYaml(text: string): ParsedYaml | undefined {
  if (OUTSIDE_SUBSET.test(text)) return undefined;
  try {
    return new FastReader(text).read();
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}
