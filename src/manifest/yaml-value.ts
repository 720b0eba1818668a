import { quote } from './quote.js';
import type { Json, SourceRef } from './types.js';
import type { SourceText } from './source-text.js';
import type { Problem, YMap, YNode, YPair } from './yaml-tree.js';

/**
 * Keys that could reach an object's prototype if some later code copied a manifest with plain assignment
 * (`Object.assign`, a spread in a merge helper). Manifests never need them, so they are refused outright and
 * never make it into the values built here.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The plain JS value of a YAML tree. Refused keys are left out and duplicate keys keep their first value
 * (the report says which line to delete), so the value is safe to hand to ajv and beyond.
 */
export function materialize(node: YNode, source: SourceText, problems: Problem[]): Json {
  switch (node.type) {
    case 'scalar':
      return node.value;
    case 'seq': {
      const items: Json[] = new Array(node.items.length);
      for (let i = 0; i < node.items.length; i++) items[i] = materialize(node.items[i] as YNode, source, problems);
      return items;
    }
    case 'map': {
      const object: { [key: string]: Json } = {};
      // Built only when a key repeats, so that a map with many repeats costs O(n), not O(n²).
      let firstOffsets: Map<string, number> | undefined;
      for (const pair of node.pairs) {
        const { key } = pair;
        if (FORBIDDEN_KEYS.has(key)) {
          problems.push({
            code: 'forbidden-key',
            message: `the key '${key}' is not allowed in manifests`,
            offset: pair.keyOffset,
          });
          continue;
        }
        if (Object.hasOwn(object, key)) {
          if (!firstOffsets) {
            firstOffsets = new Map();
            for (const p of node.pairs) if (!firstOffsets.has(p.key)) firstOffsets.set(p.key, p.keyOffset);
          }
          problems.push({
            code: 'duplicate-key',
            message: `duplicate key ${quote(key)} (first written on line ${source.line(firstOffsets.get(key) as number)}): keep one of the two`,
            offset: pair.keyOffset,
          });
          continue;
        }
        object[key] = materialize(pair.value, source, problems);
      }
      return object;
    }
  }
}

const unescape = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');
const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export interface Located {
  /** The node at the pointer, if it exists. */
  node?: YNode;
  /** The offset of the key that holds it (map entries only). */
  keyOffset?: number;
}

/** The node a JSON pointer (ajv's instancePath, `/spec/pixels/0`) names. */
export function locate(root: YNode, pointer: string): Located {
  if (pointer === '') return { node: root };
  let node: YNode | undefined = root;
  let keyOffset: number | undefined;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = unescape(raw);
    if (!node) return {};
    if (node.type === 'map') {
      const pair: YPair | undefined = (node as YMap).pairs.find((p) => p.key === segment);
      node = pair?.value;
      keyOffset = pair?.keyOffset;
    } else if (node.type === 'seq') {
      node = node.items[Number(segment)];
      keyOffset = undefined;
    } else {
      return {};
    }
  }
  return node ? (keyOffset === undefined ? { node } : { node, keyOffset }) : {};
}

/**
 * Positions of every field under `node`, by JSON pointer relative to it: a map entry at its key, a sequence
 * item where it starts. This is what Manifest.source.fields holds, so the planner can point at a field's line.
 */
export function fieldPositions(node: YNode, source: SourceText): Record<string, SourceRef> {
  const fields: Record<string, SourceRef> = {};
  const { file } = source;
  const visit = (current: YNode, prefix: string) => {
    if (current.type === 'map') {
      for (const pair of current.pairs) {
        const path = `${prefix}/${escape(pair.key)}`;
        if (Object.hasOwn(fields, path)) continue;
        const { line, column } = source.position(pair.keyOffset);
        fields[path] = { file, line, column };
        visit(pair.value, path);
      }
    } else if (current.type === 'seq') {
      for (let i = 0; i < current.items.length; i++) {
        const item = current.items[i] as YNode;
        const path = `${prefix}/${i}`;
        const { line, column } = source.position(item.offset);
        fields[path] = { file, line, column };
        visit(item, path);
      }
    }
  };
  visit(node, '');
  return fields;
}
