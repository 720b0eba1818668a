import type { DiagnosticCode } from './codes.js';
import type { At } from './types.js';
import { locate } from './yaml-value.js';
import type { YNode } from './yaml-tree.js';

export type { At } from './types.js';

/** Where a JSON pointer's value (or, with `key`, its key) is written; the document's start when it is absent. */
export function offsetAt(root: YNode, pointer: string, key = false): number {
  const found = locate(root, pointer);
  return (key ? found.keyOffset : undefined) ?? found.node?.offset ?? root.offset;
}

/** The later of two keys in the file, so "not both" points at the one that was added second. */
export function laterKey(root: YNode, a: string, b: string): number {
  return Math.max(offsetAt(root, a, true), offsetAt(root, b, true));
}

/** Exactly one of two keys that name the same thing two ways (`line_item_id`/`line_item_code`, ...). */
export function checkExactlyOne(
  object: { [key: string]: unknown },
  root: YNode,
  at: At,
  code: DiagnosticCode,
  pointer: string,
  [a, b]: [string, string],
  messages: { both: string; neither: string },
): void {
  const hasA = Object.hasOwn(object, a);
  const hasB = Object.hasOwn(object, b);
  if (hasA && hasB) at(code, messages.both, laterKey(root, `${pointer}/${a}`, `${pointer}/${b}`));
  else if (!hasA && !hasB) at(code, messages.neither, offsetAt(root, pointer));
}
