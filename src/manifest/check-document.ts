import type { DiagnosticCollector } from './collector.js';
import { checkHeader, reportProblems } from './document-header.js';
import { isKind, isObject, NAME_PATTERN, type JsonObject } from './kinds.js';
import { reportSchemaErrors } from './schema-errors.js';
import { validators } from './schemas.js';
import type { SourceText } from './source-text.js';
import { quote } from './quote.js';
import { didYouMean } from './suggest.js';
import type { Json, Kind, Manifest } from './types.js';
import { fieldPositions, locate, materialize } from './yaml-value.js';
import type { Problem, YMap, YNode } from './yaml-tree.js';

/** A manifest together with where it came from, for the checks that look across documents. */
export interface Entry {
  manifest: Manifest;
  source: SourceText;
  root: YMap;
}

export interface DocumentContext {
  source: SourceText;
  collector: DiagnosticCollector;
  /** The root xandr-sync.yaml as diagnostics show it, for the hint when a Config document is misplaced. */
  configShown: string;
}

type At = (code: Parameters<DiagnosticCollector['at']>[1], message: string, offset: number) => void;

function offsetAt(root: YNode, pointer: string, key = false): number {
  const found = locate(root, pointer);
  return (key ? found.keyOffset : undefined) ?? found.node?.offset ?? root.offset;
}

/** The later of two keys in the file, so "not both" points at the one that was added second. */
function laterKey(root: YNode, a: string, b: string): number {
  return Math.max(offsetAt(root, a, true), offsetAt(root, b, true));
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
  const hasId = Object.hasOwn(spec, 'line_item_id');
  const hasCode = Object.hasOwn(spec, 'line_item_code');
  if (hasId && hasCode) {
    at(
      'line-item-selector',
      'write exactly one of line_item_id and line_item_code, not both: each document names one line item',
      laterKey(root, '/spec/line_item_id', '/spec/line_item_code'),
    );
  } else if (!hasId && !hasCode) {
    at('line-item-selector', 'LineItemPixels spec must name its line item with line_item_id or line_item_code', offsetAt(root, '/spec'));
  }
  if (!Array.isArray(spec.pixels)) return;
  spec.pixels.forEach((item, i) => {
    if (!isObject(item)) return;
    const hasPixel = Object.hasOwn(item, 'pixel');
    const hasPixelId = Object.hasOwn(item, 'pixel_id');
    if (hasPixel && hasPixelId) {
      at(
        'pixel-selector',
        `spec.pixels[${i}] has both pixel and pixel_id: write pixel for a ConversionPixel of this repository, or pixel_id for one it does not manage`,
        laterKey(root, `/spec/pixels/${i}/pixel`, `/spec/pixels/${i}/pixel_id`),
      );
    } else if (!hasPixel && !hasPixelId) {
      at(
        'pixel-selector',
        `spec.pixels[${i}] must name its pixel with pixel (a ConversionPixel's metadata.name) or pixel_id`,
        offsetAt(root, `/spec/pixels/${i}`),
      );
    }
  });
}

function buildManifest(kind: Kind, value: JsonObject, root: YMap, source: SourceText): Manifest | undefined {
  const metadata = isObject(value.metadata) ? value.metadata : undefined;
  const name = metadata?.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) return undefined;
  const spec = (isObject(value.spec) ? value.spec : {}) as { [key: string]: Json };
  if (kind === 'LineItemPixels' && !Object.hasOwn(spec, 'policy')) spec.policy = 'authoritative';
  const specNode = locate(root, '/spec').node;
  const kindKey = root.pairs.find((p) => p.key === 'kind') ?? root.pairs[0];
  const { line, column } = source.position(kindKey ? kindKey.keyOffset : root.offset);
  const id = metadata?.id;
  const ignore = metadata?.ignore_changes;
  return {
    kind,
    name,
    address: `${kind}/${name}`,
    ...(typeof id === 'number' ? { id } : {}),
    protect: metadata?.protect === true,
    ignoreChanges: Array.isArray(ignore) ? ignore.filter((f): f is string => typeof f === 'string') : [],
    spec,
    source: { file: source.file, line, column, fields: specNode ? fieldPositions(specNode, source) : {} },
  } as unknown as Manifest;
}

/**
 * Checks one document of a manifest file: structure, header, schema and the rules within the document.
 * Returns the manifest (even when parts of it are wrong) whenever it has a usable name, so the checks across
 * documents can still run and report everything in one go.
 */
export function checkManifestDocument(root: YNode, context: DocumentContext): Entry | undefined {
  const { source, collector } = context;
  const at: At = (code, message, offset) => collector.at(source, code, message, offset);
  if (root.type !== 'map') {
    at('invalid-type', 'a manifest document must be a mapping with apiVersion, kind, metadata and spec', root.offset);
    return undefined;
  }
  const problems: Problem[] = [];
  const value = materialize(root, source, problems) as JsonObject;
  reportProblems(source, problems, collector);
  const kind = checkHeader(value, root, source, collector, 'the document');
  if (kind === undefined) return undefined;
  if (kind === 'Config') {
    at('config-location', `a Config document belongs in ${context.configShown} (xandr-sync.yaml at the manifest root), not among the manifests`, offsetAt(root, '/kind'));
    return undefined;
  }
  if (!isKind(kind)) {
    at('unknown-kind', `unknown kind ${quote(kind)}${didYouMean(kind, ['Segment', 'ConversionPixel', 'LineItemPixels'])}: kinds are Segment, ConversionPixel and LineItemPixels`, offsetAt(root, '/kind'));
    return undefined;
  }
  const validate = validators[kind];
  if (!validate(value)) reportSchemaErrors(validate.errors ?? [], root, kind, at, ['/apiVersion', '/kind']);
  if (isObject(value.spec)) {
    if (kind === 'Segment') checkSegmentRules(value.spec, root, at);
    if (kind === 'LineItemPixels') checkBindingRules(value.spec, root, at);
  }
  const manifest = buildManifest(kind, value, root, source);
  return manifest ? { manifest, source, root } : undefined;
}
