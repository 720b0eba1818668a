import { checkExactlyOne, offsetAt, type At } from './document-offsets.js';
import { isObject, type JsonObject } from './kinds.js';
import type { BooleanOperator } from './types.js';
import type { YNode } from './yaml-tree.js';

/**
 * The rules of one LineItemSegments document that its schema cannot say precisely. Limits and defaults are
 * Xandr's (profile-service.md, "Segment group targets"; object-limit-service.md, per-profile limits).
 */

/** Segments in all, across the groups of one profile. (The 400 groups are the schema's maxItems.) */
const MAX_TARGETED_SEGMENTS = 400;
export const MAX_SEGMENT_GROUPS = 400;

/** Xandr's documented defaults, which the loader fills in when a manifest leaves them out. */
export const DEFAULT_SEGMENT_BOOLEAN_OPERATOR: BooleanOperator = 'and';
export const DEFAULT_GROUP_BOOLEAN_OPERATOR: BooleanOperator = 'or';

const opposite = (op: BooleanOperator): BooleanOperator => (op === 'and' ? 'or' : 'and');
const isOperator = (value: unknown): value is BooleanOperator => value === 'and' || value === 'or';

/**
 * Instance paths of null groups and null entries: refused here with their own code, so the schema's
 * "must be a mapping, got null" at the same place is left out.
 */
export function nullTargetPaths(spec: unknown): string[] {
  if (!isObject(spec) || !Array.isArray(spec.groups)) return [];
  const paths: string[] = [];
  spec.groups.forEach((group, i) => {
    if (group === null) paths.push(`/spec/groups/${i}`);
    else if (isObject(group) && Array.isArray(group.segments)) {
      group.segments.forEach((entry, j) => {
        if (entry === null) paths.push(`/spec/groups/${i}/segments/${j}`);
      });
    }
  });
  return paths;
}

function checkEntry(entry: JsonObject, i: number, j: number, root: YNode, at: At): void {
  const pointer = `/spec/groups/${i}/segments/${j}`;
  const label = `spec.groups[${i}].segments[${j}]`;
  checkExactlyOne(entry, root, at, 'segment-selector', pointer, ['segment', 'segment_id'], {
    both: `${label} has both segment and segment_id: write segment for a Segment of this repository, or segment_id for one it does not manage`,
    neither: `${label} must name its segment with segment (a Segment's metadata.name) or segment_id`,
  });
  const { start_minutes: start, expire_minutes: expire } = entry;
  if (typeof start === 'number' && typeof expire === 'number' && expire !== -1 && start > expire) {
    at(
      'invalid-value',
      `${label}.start_minutes (${start}) is more than its expire_minutes (${expire}), so no user is ever in the window: make start_minutes smaller, or expire_minutes -1 for no upper bound`,
      offsetAt(root, `${pointer}/start_minutes`),
    );
  }
}

/** The console edits only targeting whose groups all use the operator opposite to the one between them. */
function checkConsoleShape(spec: JsonObject, groups: unknown[], root: YNode, at: At): void {
  const between = isOperator(spec.segment_boolean_operator) ? spec.segment_boolean_operator : DEFAULT_SEGMENT_BOOLEAN_OPERATOR;
  const expected = opposite(between);
  const index = groups.findIndex((g) => isObject(g) && (isOperator(g.boolean_operator) ? g.boolean_operator : DEFAULT_GROUP_BOOLEAN_OPERATOR) !== expected);
  if (index === -1) return;
  const group = groups[index] as JsonObject;
  const written = Object.hasOwn(group, 'boolean_operator');
  const within = written
    ? `spec.groups[${index}].boolean_operator is '${String(group.boolean_operator)}'`
    : `spec.groups[${index}] has no boolean_operator, so it is '${DEFAULT_GROUP_BOOLEAN_OPERATOR}' (Xandr's default),`;
  const betweenText = Object.hasOwn(spec, 'segment_boolean_operator') ? `segment_boolean_operator is '${between}'` : `segment_boolean_operator is '${between}' (the default)`;
  at(
    'console-uneditable-targeting',
    `${within} and ${betweenText}: the console will not be able to edit this targeting, because it edits only groups that all use the opposite of segment_boolean_operator ('${expected}'); write boolean_operator: ${expected} in every group, or keep this targeting edited only from the repository`,
    offsetAt(root, written ? `/spec/groups/${index}/boolean_operator` : `/spec/groups/${index}`),
    'warning',
  );
}

export function checkTargetingRules(spec: JsonObject, root: YNode, at: At): void {
  checkExactlyOne(spec, root, at, 'line-item-selector', '/spec', ['line_item_id', 'line_item_code'], {
    both: 'write exactly one of line_item_id and line_item_code, not both: each document names one line item',
    neither: 'LineItemSegments spec must name its line item with line_item_id or line_item_code',
  });
  if (!Array.isArray(spec.groups)) return;
  let total = 0;
  let firstOver: string | undefined;
  spec.groups.forEach((group, i) => {
    if (group === null) {
      at('null-segment-target', `spec.groups[${i}] is null: Xandr refuses null segment groups; remove the empty '-' item or give it segments`, offsetAt(root, `/spec/groups/${i}`));
      return;
    }
    if (!isObject(group) || !Array.isArray(group.segments)) return;
    group.segments.forEach((entry, j) => {
      total++;
      if (total === MAX_TARGETED_SEGMENTS + 1) firstOver = `/spec/groups/${i}/segments/${j}`;
      if (entry === null) {
        at('null-segment-target', `spec.groups[${i}].segments[${j}] is null: Xandr refuses null segments; remove the empty '-' item or name a segment`, offsetAt(root, `/spec/groups/${i}/segments/${j}`));
      } else if (isObject(entry)) {
        checkEntry(entry, i, j, root, at);
      }
    });
  });
  if (firstOver !== undefined) {
    at(
      'too-many-segments',
      `a line item's profile can target at most ${MAX_TARGETED_SEGMENTS} segments (Xandr's limit), and this one lists ${total} across its groups: remove ${total - MAX_TARGETED_SEGMENTS}`,
      offsetAt(root, firstOver),
    );
  }
  checkConsoleShape(spec, spec.groups, root, at);
}
