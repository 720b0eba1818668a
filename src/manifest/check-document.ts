import type { DiagnosticCollector } from './collector.js';
import {
  checkTargetingRules,
  DEFAULT_GROUP_BOOLEAN_OPERATOR,
  DEFAULT_SEGMENT_BOOLEAN_OPERATOR,
  nullTargetPaths,
} from './check-targeting-document.js';
import { checkHeader, reportProblems } from './document-header.js';
import { checkHiddenCharacters } from './hidden-characters.js';
import { checkExactlyOne, laterKey, offsetAt, type At } from './document-offsets.js';
import { isKind, isObject, KINDS, NAME_PATTERN, type JsonObject } from './kinds.js';
import { reportSchemaErrors } from './schema-errors.js';
import { validators } from './schemas.js';
import type { SourceText } from './source-text.js';
import { quote } from './quote.js';
import { didYouMean } from './suggest.js';
import type { Json, Kind, Manifest } from './types.js';
import { fieldPositions, locate, materialize } from './yaml-value.js';
import type { Problem, YMap, YNode } from './yaml-tree.js';

/**
 * A checked document, for the checks across documents. It holds no YAML tree: the trees of 28,000 documents
 * were most of a load's memory (50 MB), and only a diagnostic needs a position (entry-location.ts reads the
 * file's text again for it).
 */
export interface Entry {
  manifest: Manifest;
  source: SourceText;
}

export interface DocumentContext {
  source: SourceText;
  collector: DiagnosticCollector;
  /** The root xandr-sync.yaml as diagnostics show it, for the hint when a Config document is misplaced. */
  configShown: string;
  /** The document's index among the file's documents. */
  document: number;
}


function checkSegmentRules(spec: JsonObject, root: YNode, at: At): void {
  const mapping = spec.querystring_mapping;
  const keyValue = spec.querystring_mapping_key_value;
  if (isObject(mapping) && isObject(keyValue)) {
    at(
      'conflicting-fields',
      'querystring_mapping and querystring_mapping_key_value cannot both be set (Xandr takes one or the other): remove one, or set it to null',
      laterKey(root, '/spec/querystring_mapping', '/spec/querystring_mapping_key_value'),
    );
  }
  if (isObject(keyValue) && typeof spec.max_usersync_pixels === 'number' && spec.max_usersync_pixels !== 0) {
    at(
      'conflicting-fields',
      'max_usersync_pixels cannot be set together with querystring_mapping_key_value (Xandr refuses the combination): remove it or set it to 0',
      offsetAt(root, '/spec/max_usersync_pixels', true),
    );
  }
  if (isObject(mapping) && (mapping.value_type === 'numeric' || mapping.value_type === 'none') && Object.hasOwn(mapping, 'values')) {
    at(
      'conflicting-fields',
      `querystring_mapping.values is used only with value_type 'text', and this mapping has value_type '${mapping.value_type}': remove values`,
      offsetAt(root, '/spec/querystring_mapping/values', true),
    );
  }
}

function checkBindingRules(spec: JsonObject, root: YNode, at: At): void {
  checkExactlyOne(spec, root, at, 'line-item-selector', '/spec', ['line_item_id', 'line_item_code'], {
    both: 'write exactly one of line_item_id and line_item_code, not both: each document names one line item',
    neither: 'LineItemPixels spec must name its line item with line_item_id or line_item_code',
  });
  if (!Array.isArray(spec.pixels)) return;
  spec.pixels.forEach((item, i) => {
    if (!isObject(item)) return;
    checkExactlyOne(item, root, at, 'pixel-selector', `/spec/pixels/${i}`, ['pixel', 'pixel_id'], {
      both: `spec.pixels[${i}] has both pixel and pixel_id: write pixel for a ConversionPixel of this repository, or pixel_id for one it does not manage`,
      neither: `spec.pixels[${i}] must name its pixel with pixel (a ConversionPixel's metadata.name) or pixel_id`,
    });
  });
}

/**
 * A document's own previous_names: not its current name, each once. Codes compare ignoring case, so
 * neither may differ from the other only in case.
 */
function checkPreviousNamesOf(metadata: JsonObject, root: YNode, at: At): void {
  const list = metadata.previous_names;
  if (!Array.isArray(list)) return;
  const own = typeof metadata.name === 'string' ? metadata.name.toLowerCase() : undefined;
  const seen = new Map<string, number>();
  list.forEach((name, i) => {
    if (typeof name !== 'string') return;
    const offset = offsetAt(root, `/metadata/previous_names/${i}`);
    const lower = name.toLowerCase();
    if (lower === own) {
      at('previous-name-is-current', `metadata.previous_names[${i}] ${quote(name)} is the document's own name (names compare ignoring case): list only names the object had before, or remove it`, offset);
      return;
    }
    const first = seen.get(lower);
    if (first !== undefined) {
      at('duplicate-previous-name', `metadata.previous_names[${i}] ${quote(name)} repeats previous_names[${first}] (names compare ignoring case): list each previous name once`, offset);
      return;
    }
    seen.set(lower, i);
  });
}

/** Xandr's defaults for what a document leaves out, so the planner compares against what Xandr would store. */
function fillDefaults(kind: Kind, spec: { [key: string]: Json }): void {
  if (kind === 'LineItemPixels' && !Object.hasOwn(spec, 'policy')) spec.policy = 'authoritative';
  if (kind !== 'LineItemSegments') return;
  if (!Object.hasOwn(spec, 'segment_boolean_operator')) spec.segment_boolean_operator = DEFAULT_SEGMENT_BOOLEAN_OPERATOR;
  if (!Array.isArray(spec.groups)) return;
  for (const group of spec.groups) {
    if (!isObject(group)) continue;
    if (!Object.hasOwn(group, 'boolean_operator')) group.boolean_operator = DEFAULT_GROUP_BOOLEAN_OPERATOR;
    if (!Array.isArray(group.segments)) continue;
    for (const entry of group.segments) if (isObject(entry) && !Object.hasOwn(entry, 'action')) entry.action = 'include';
  }
}

function buildManifest(kind: Kind, value: JsonObject, root: YMap, source: SourceText, document: number): Manifest | undefined {
  const metadata = isObject(value.metadata) ? value.metadata : undefined;
  const name = metadata?.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) return undefined;
  const spec = (isObject(value.spec) ? value.spec : {}) as { [key: string]: Json };
  fillDefaults(kind, spec);
  const specNode = locate(root, '/spec').node;
  const kindKey = root.pairs.find((p) => p.key === 'kind') ?? root.pairs[0];
  const { line, column } = source.position(kindKey ? kindKey.keyOffset : root.offset);
  const id = metadata?.id;
  const ignore = metadata?.ignore_changes;
  const previous = kind === 'Segment' || kind === 'ConversionPixel' ? metadata?.previous_names : undefined;
  return {
    kind,
    name,
    address: `${kind}/${name}`,
    ...(typeof id === 'number' ? { id } : {}),
    protect: metadata?.protect === true,
    ignoreChanges: Array.isArray(ignore) ? ignore.filter((f): f is string => typeof f === 'string') : [],
    previousNames: Array.isArray(previous) ? previous.filter((n): n is string => typeof n === 'string' && NAME_PATTERN.test(n)) : [],
    spec,
    source: { file: source.file, line, column, fields: specNode ? fieldPositions(specNode, source) : {}, document },
  } as unknown as Manifest;
}

/**
 * Checks one document of a manifest file: structure, header, schema and the rules within the document.
 * Returns the manifest (even when parts of it are wrong) whenever it has a usable name, so the checks across
 * documents can still run and report everything in one go.
 */
export function checkManifestDocument(root: YNode, context: DocumentContext): Entry | undefined {
  const { source, collector } = context;
  const at: At = (code, message, offset, severity) => collector.at(source, code, message, offset, severity);
  if (root.type !== 'map') {
    at('invalid-type', 'a manifest document must be a mapping with apiVersion, kind, metadata and spec', root.offset);
    return undefined;
  }
  const problems: Problem[] = [];
  const value = materialize(root, source, problems) as JsonObject;
  reportProblems(source, problems, collector);
  if (source.hasHiddenCharacters) checkHiddenCharacters(root, at);
  const kind = checkHeader(value, root, source, collector, 'the document');
  if (kind === undefined) return undefined;
  if (kind === 'Config') {
    at('config-location', `a Config document belongs in ${context.configShown} (xandr-sync.yaml at the manifest root), not among the manifests`, offsetAt(root, '/kind'));
    return undefined;
  }
  if (!isKind(kind)) {
    at('unknown-kind', `unknown kind ${quote(kind)}${didYouMean(kind, KINDS)}: kinds are Segment, ConversionPixel, LineItemPixels and LineItemSegments`, offsetAt(root, '/kind'));
    return undefined;
  }
  const validate = validators[kind];
  const skip = ['/apiVersion', '/kind', ...(kind === 'LineItemSegments' ? nullTargetPaths(value.spec) : [])];
  if (!validate(value)) reportSchemaErrors(validate.errors ?? [], root, kind, at, skip);
  if (isObject(value.metadata) && (kind === 'Segment' || kind === 'ConversionPixel')) checkPreviousNamesOf(value.metadata, root, at);
  if (isObject(value.spec)) {
    if (kind === 'Segment') checkSegmentRules(value.spec, root, at);
    if (kind === 'LineItemPixels') checkBindingRules(value.spec, root, at);
    if (kind === 'LineItemSegments') checkTargetingRules(value.spec, root, at);
  }
  const manifest = buildManifest(kind, value, root, source, context.document);
  return manifest ? { manifest, source } : undefined;
}
