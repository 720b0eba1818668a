import { createRequire } from 'node:module';
import type { Alias, CST, Document, Node, Scalar, YAMLError, YAMLMap, YAMLSeq } from 'yaml';

/**
 * The `yaml` package is loaded on first use: most manifests are plain block YAML that the fast reader
 * handles, and loading it costs ~40 ms at every start of the CLI.
 */
let yamlModule: typeof import('yaml') | null = null;
function yaml(): typeof import('yaml') {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlModule;
}
const isAlias = (node: unknown): node is Alias => yaml().isAlias(node);
const isMap = (node: unknown): node is YAMLMap => yaml().isMap(node);
const isScalar = (node: unknown): node is Scalar => yaml().isScalar(node);
const isSeq = (node: unknown): node is YAMLSeq => yaml().isSeq(node);
import { MAX_DEPTH, unsafeIntegerProblem, type ParsedYaml, type Problem, type YDocument, type YNode, type YPair } from './yaml-tree.js';

/**
 * Reads any YAML with the `yaml` package and turns each document into a YNode tree, refusing what manifests
 * never need and attackers like: anchors and aliases (the alias bomb), tags outside the core schema, nesting
 * deeper than MAX_DEPTH (checked on the CST, iteratively, before anything recursive runs).
 *
 * Documents are never turned into JS with `toJS`, so aliases are never expanded: refusing them here is the
 * whole defence, and `maxAliasCount` never comes into play.
 */

const COMPOSE_OPTIONS = {
  // The core schema even under a `%YAML 1.1` directive: no yes/no booleans, sexagesimals or timestamps.
  schema: 'core',
  version: '1.2',
  resolveKnownTags: false,
  merge: false,
  // Duplicate keys are reported by materialize() with both lines; the composer would only say "not unique".
  uniqueKeys: false,
  prettyErrors: false,
  strict: true,
  // Integers as BigInt, so that one beyond 2^53 is refused instead of rounded (see unsafeIntegerProblem).
  intAsBigInt: true,
} as const;

const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`),
);

/** Offset of the first collection nested deeper than `max`, or -1. */
function findTooDeep(token: CST.Token, max = MAX_DEPTH): number {
  let first = -1;
  const stack: Array<[CST.Token, number]> = [[token, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [CST.Token, number];
    switch (current.type) {
      case 'document':
        if (current.value) stack.push([current.value, depth]);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection':
        if (depth + 1 > max) {
          if (first === -1 || current.offset < first) first = current.offset;
          break;
        }
        for (const item of current.items) {
          if (item.key) stack.push([item.key, depth + 1]);
          if (item.value) stack.push([item.value, depth + 1]);
        }
        break;
      default:
        break;
    }
  }
  return first;
}

class Refused extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

function refuse(code: Problem['code'], message: string, offset: number): never {
  throw new Refused({ code, message, offset });
}

function start(node: Node): number {
  return node.range?.[0] ?? 0;
}

function checkProps(node: Node, text: string): void {
  if (node.anchor !== undefined) {
    // The node knows its anchor's name but not where `&name` is written: it is the last one before the node.
    const at = text.lastIndexOf(`&${node.anchor}`, start(node));
    refuse('alias-not-allowed', `anchors (&${node.anchor}) are not supported in manifests: write the value out in full`, at === -1 ? start(node) : at);
  }
  if (node.tag !== undefined && !CORE_TAGS.has(node.tag)) {
    refuse('tag-not-allowed', `tag '${node.tag}' is not allowed: manifests use only plain YAML values (the core schema)`, start(node));
  }
}

function convert(node: unknown, depth: number, ownerOffset: number, text: string): YNode {
  if (node === null || node === undefined) return { type: 'scalar', offset: ownerOffset, value: null };
  if (isAlias(node)) {
    refuse('alias-not-allowed', `aliases (*${node.source}) are not supported in manifests: write the value out in full`, start(node));
  }
  if (depth > MAX_DEPTH) refuse('too-deep', `nesting deeper than ${MAX_DEPTH} levels is not allowed`, start(node as Node));
  if (isScalar(node)) {
    checkProps(node, text);
    if (typeof node.value === 'bigint') {
      const big = node.value;
      if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) {
        const problem = unsafeIntegerProblem(node.source ?? String(big), start(node));
        refuse(problem.code, problem.message, problem.offset);
      }
      return { type: 'scalar', offset: start(node), value: Number(big) };
    }
    const { value } = node;
    const implicitNull = value === null && node.source === '' && node.tag === undefined;
    if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') {
      return { type: 'scalar', offset: implicitNull ? ownerOffset : start(node), value };
    }
    refuse('tag-not-allowed', 'only plain YAML values (text, numbers, booleans, null) are allowed', start(node));
  }
  if (isMap(node)) {
    checkProps(node, text);
    const pairs: YPair[] = [];
    for (const pair of node.items) {
      const key = pair.key as unknown;
      if (isAlias(key)) refuse('alias-not-allowed', 'aliases are not supported in manifests', start(key));
      if (!isScalar(key)) {
        refuse('invalid-type', 'mapping keys must be plain text', key ? start(key as Node) : start(node));
      }
      checkProps(key, text);
      const keyOffset = start(key);
      const name = typeof key.value === 'string' ? key.value : (key.source ?? String(key.value));
      pairs.push({ key: String(name), keyOffset, value: convert(pair.value, depth + 1, keyOffset, text) });
    }
    const firstKey = node.items[0]?.key as Node | null | undefined;
    return { type: 'map', offset: firstKey ? start(firstKey) : start(node), pairs };
  }
  if (isSeq(node)) {
    checkProps(node, text);
    const items: YNode[] = [];
    for (const item of node.items) items.push(convert(item, depth + 1, start(node), text));
    return { type: 'seq', offset: start(node), items };
  }
  refuse('yaml-syntax', 'unsupported YAML node', 0);
}

/**
 * yaml reports an unclosed quote where the file ends; the quote that opened the scalar is what to fix. It is
 * the last quote before that point that can start a scalar (after a space, an indicator or a line start).
 */
function openingQuote(text: string, quote: string, end: number): number | undefined {
  for (let i = text.lastIndexOf(quote, end - 1); i >= 0; i = text.lastIndexOf(quote, i - 1)) {
    if (i === 0 || ' \t\r\n:[{,-?'.includes(text[i - 1] as string)) return i;
  }
  return undefined;
}

function syntaxProblem(error: YAMLError, text: string): Problem {
  const message = error.message.split('\n')[0] ?? error.message;
  let offset = error.pos[0];
  const unclosed = /^Missing closing (["'])quote/.exec(message);
  if (unclosed) offset = openingQuote(text, unclosed[1] as string, offset) ?? offset;
  return { code: error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax', message, offset };
}

function toDocument(doc: Document.Parsed, index: number, text: string, problems: Problem[]): YDocument | undefined {
  if (doc.errors.length > 0) {
    for (const error of doc.errors) problems.push(syntaxProblem(error, text));
    return undefined;
  }
  // With the core schema and resolveKnownTags off, every tag outside the core schema is "unresolved"; the
  // warning carries the tag's own position, which the node (positioned at its value) does not.
  const unresolved = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (unresolved) {
    const tag = /Unresolved tag: (\S+)/.exec(unresolved.message)?.[1] ?? 'this tag';
    problems.push({
      code: 'tag-not-allowed',
      message: `tag '${tag}' is not allowed: manifests use only plain YAML values (the core schema)`,
      offset: unresolved.pos[0],
    });
    return undefined;
  }
  try {
    const { contents } = doc;
    // A document of only comments (or nothing) composes to an empty null scalar: it is no document at all.
    const empty = contents === null || (isScalar(contents) && contents.value === null && contents.source === '' && contents.tag === undefined);
    return { root: empty ? null : convert(contents, 1, 0, text), index };
  } catch (error) {
    if (error instanceof Refused) {
      problems.push(error.problem);
      return undefined;
    }
    throw error;
  }
}

export function readFullYaml(text: string): ParsedYaml {
  const problems: Problem[] = [];
  const tokens = Array.from(new (yaml().Parser)().parse(text));
  for (const token of tokens) {
    if (token.type !== 'document') continue;
    const deep = findTooDeep(token);
    if (deep !== -1) {
      // Composing would recurse once per level; refuse the whole file before it gets the chance.
      problems.push({ code: 'too-deep', message: `nesting deeper than ${MAX_DEPTH} levels is not allowed`, offset: deep });
      return { documents: [], problems };
    }
  }
  const documents: YDocument[] = [];
  let index = 0;
  for (const doc of new (yaml().Composer)(COMPOSE_OPTIONS).compose(tokens, true, text.length)) {
    const converted = toDocument(doc, index++, text, problems);
    if (converted) documents.push(converted);
  }
  return { documents, problems };
}
