import type { ErrorObject } from 'ajv';
import type { DiagnosticCode } from './codes.js';
import { MAX_PROBLEMS_PER_FILE } from './collector.js';
import { fieldsOf, type SchemaKind } from './schemas.js';
import { quote } from './quote.js';
import { fieldLabel } from './field-label.js';
import { didYouMean, suggest } from './suggest.js';

import { locate } from './yaml-value.js';
import type { YNode } from './yaml-tree.js';

/**
 * Turns ajv's errors into diagnostics a person can act on: at the offending value (or the unknown key, or the
 * map missing a key), with the field's path, what was expected, what was found and, where we can tell, the fix.
 */

export type Report = (code: DiagnosticCode, message: string, offset: number) => void;

/**
 * Rules that span fields (exactly one of two selectors, fields that exclude each other) are in the schemas
 * for editors, but ajv can only say "must match exactly one schema in oneOf". The loader checks those rules
 * itself (check-document.ts) with a precise message, and drops ajv's version of them here.
 */
const CONDITIONAL_PATH = /\/(?:oneOf|anyOf|allOf|not|if|then|else)(?:\/|$)/;
const CONDITIONAL_KEYWORDS = new Set(['oneOf', 'anyOf', 'allOf', 'not', 'if', 'then', 'else', 'false schema']);

/** Written by Xandr or derived from metadata.name: never part of a spec. */
const SPEC_IDENTITY_FIELDS = ['code', 'id', 'member_id', 'last_modified'];

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `text (${quote(value)})`;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

function plain(value: unknown): string {
  return typeof value === 'string' ? quote(value) : describeValue(value);
}

function where(kind: SchemaKind, pointer: string): string {
  if (kind === 'Config') return pointer === '' ? 'xandr-sync.yaml' : `xandr-sync.yaml ${fieldLabel(pointer)}`;
  return pointer === '' ? `${kind} document` : `${kind} ${fieldLabel(pointer)}`;
}

function identityMessage(kind: SchemaKind, key: string): string {
  const noun = kind === 'Segment' ? 'segment' : 'pixel';
  if ((kind === 'LineItemPixels' || kind === 'LineItemSegments') && (key === 'id' || key === 'code')) {
    return `'${key}' is not written in spec: name the line item with line_item_${key}`;
  }
  switch (key) {
    case 'code':
      return `'code' is not written in spec: xandr-sync writes metadata.name to the ${noun}'s code (rename it by changing metadata.name)`;
    case 'id':
      return `'id' is not written in spec: the identity is metadata.name; to take over an existing ${noun} that has no code yet, put its id in metadata.id`;
    case 'member_id':
      return `'member_id' is not written in spec: the member is set once, as member_id in xandr-sync.yaml`;
    default:
      return `'${key}' is set by Xandr and is not written in spec`;
  }
}

function unknownField(kind: SchemaKind, pointer: string, key: string, allowed: string[]): { code: DiagnosticCode; message: string } {
  const base = `unknown field ${quote(key)} in ${where(kind, pointer)}`;
  if (kind === 'Config') {
    if (pointer === '' && key === 'spec') return { code: 'unknown-field', message: `${base} (Config settings are written at the top level, not under spec)` };
    return { code: 'unknown-field', message: `${base}${didYouMean(key, allowed)}` };
  }
  const specFields = fieldsOf(kind, 'spec');
  const metadataFields = fieldsOf(kind, 'metadata');
  if (pointer === '/spec' && SPEC_IDENTITY_FIELDS.includes(key)) return { code: 'spec-identity-field', message: identityMessage(kind, key) };
  if (pointer === '' && specFields.includes(key)) return { code: 'unknown-field', message: `${base} (it belongs under spec)` };
  if (pointer === '/metadata' && key === 'previous_names' && (kind === 'LineItemPixels' || kind === 'LineItemSegments')) {
    return {
      code: 'unknown-field',
      message: `${base}: a ${kind} name is never written to Xandr (the line item is found by spec.line_item_id or spec.line_item_code), so renaming the document needs no previous names; remove previous_names`,
    };
  }
  if (pointer !== '/metadata' && ['name', 'id', 'protect', 'ignore_changes', 'previous_names'].includes(key) && metadataFields.includes(key)) {
    return { code: 'unknown-field', message: `${base} (it belongs under metadata)` };
  }
  if (pointer === '/metadata' && key === 'id' && (kind === 'LineItemPixels' || kind === 'LineItemSegments')) {
    return { code: 'unknown-field', message: `${base} (the line item is chosen with spec.line_item_id or spec.line_item_code)` };
  }
  if (pointer === '/metadata' && specFields.includes(key)) return { code: 'unknown-field', message: `${base} (it belongs under spec)` };
  const hint = didYouMean(key, allowed);
  if (hint !== '' || allowed.length > 6) return { code: 'unknown-field', message: `${base}${hint}` };
  return { code: 'unknown-field', message: `${base} (allowed: ${allowed.join(', ')})` };
}

function typeMessage(field: string, expected: string[], value: unknown): string {
  const wanted = expected.map((t) => TYPE_NAMES[t] ?? t).join(' or ');
  let hint = '';
  if ((expected.includes('integer') || expected.includes('number')) && typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(value)) {
    hint = '; write it without quotes';
  } else if (expected.includes('string') && (typeof value === 'number' || typeof value === 'boolean')) {
    hint = '; put it in quotes if it is meant as text';
  } else if (expected.includes('integer') && typeof value === 'number' && Number.isFinite(value)) {
    hint = '; Xandr expects a whole number here';
  }
  return `${field} must be ${wanted}, got ${describeValue(value)}${hint}`;
}

function valueMessage(kind: SchemaKind, error: ErrorObject, field: string): { code: DiagnosticCode; message: string } {
  const params = error.params as Record<string, unknown>;
  const value = error.data;
  switch (error.keyword) {
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      if (/^\/metadata\/ignore_changes\/\d+$/.test(error.instancePath) && typeof value === 'string') {
        const names = allowed.filter((a): a is string => typeof a === 'string');
        const which =
          kind === 'LineItemPixels' ? " (only 'pixels' can be ignored)"
          : kind === 'LineItemSegments' ? ` (only ${names.map((n) => `'${n}'`).join(' and ')} can be ignored)`
          : didYouMean(value, names);
        return { code: 'unknown-field', message: `${field} names ${quote(value)}, which is not a ${kind} spec field that can be ignored${which}` };
      }
      const hint = typeof value === 'string' ? didYouMean(value, allowed.filter((a): a is string => typeof a === 'string')) : '';
      return { code: 'invalid-value', message: `${field} must be one of ${allowed.map(plain).join(', ')}, got ${plain(value)}${hint}` };
    }
    case 'const':
      return { code: 'invalid-value', message: `${field} must be ${plain(params.allowedValue)}, got ${plain(value)}` };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = { '>=': 'at least', '>': 'more than', '<=': 'at most', '<': 'less than' };
      return { code: 'invalid-value', message: `${field} must be ${words[params.comparison as string]} ${params.limit}, got ${plain(value)}` };
    }
    case 'minLength':
      return {
        code: 'invalid-value',
        message: params.limit === 1 ? `${field} must not be empty` : `${field} must be at least ${params.limit} characters long`,
      };
    case 'maxLength':
      return {
        code: 'invalid-value',
        message: `${field} must be at most ${params.limit} characters long, got ${typeof value === 'string' ? value.length : '?'}`,
      };
    case 'pattern': {
      const custom = (error.parentSchema as { patternErrorMessage?: string } | undefined)?.patternErrorMessage;
      return { code: 'invalid-value', message: `${field} ${custom ?? `must match ${params.pattern as string}`}, got ${plain(value)}` };
    }
    case 'uniqueItems': {
      const list = Array.isArray(value) ? value : [];
      const later = Math.max(params.i as number, params.j as number);
      return { code: 'invalid-value', message: `${field} lists ${plain(list[later])} twice` };
    }
    case 'maxItems':
      if (error.instancePath === '/spec/pixels' && kind === 'LineItemPixels') {
        const count = Array.isArray(value) ? value.length : 0;
        return {
          code: 'too-many-pixels',
          message: `a line item can carry at most ${params.limit} pixels (Xandr's limit), and this one lists ${count}: remove ${count - (params.limit as number)}`,
        };
      }
      if (error.instancePath === '/spec/groups' && kind === 'LineItemSegments') {
        const count = Array.isArray(value) ? value.length : 0;
        return {
          code: 'too-many-segment-groups',
          message: `a line item's profile can have at most ${params.limit} segment groups (Xandr's limit), and this one lists ${count}: remove ${count - (params.limit as number)}`,
        };
      }
      return { code: 'invalid-value', message: `${field} must list at most ${params.limit} items` };
    case 'minItems':
      return { code: 'invalid-value', message: `${field} must list at least ${params.limit} item${params.limit === 1 ? '' : 's'}` };
    default:
      return { code: 'invalid-value', message: `${field} ${error.message ?? 'is not valid'}` };
  }
}

function offsetOf(root: YNode, pointer: string, preferKey: boolean): number {
  const found = locate(root, pointer);
  if (preferKey && found.keyOffset !== undefined) return found.keyOffset;
  return found.node?.offset ?? root.offset;
}

/**
 * Reports ajv's errors for one document. `skip` lists instance paths already reported by the caller
 * (apiVersion and kind are checked before the schema runs).
 */
export function reportSchemaErrors(errors: ErrorObject[], root: YNode, kind: SchemaKind, report: Report, skip: string[] = []): void {
  // The collector keeps at most MAX_PROBLEMS_PER_FILE per file; positioning more would be wasted work. (One
  // more than that still reaches it, so it can say where it stopped.)
  const relevant = errors
    .filter((e) => !CONDITIONAL_KEYWORDS.has(e.keyword) && !CONDITIONAL_PATH.test(e.schemaPath) && !skip.includes(e.instancePath))
    .slice(0, MAX_PROBLEMS_PER_FILE + 1);
  // A value of the wrong type also fails its enum or pattern; the type is the one thing to fix first.
  const typed = new Set(relevant.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  // `shortname:` is both an unknown field and a missing `short_name`; the typo hint says it all.
  const misspelt = new Set<string>();
  for (const e of relevant) {
    if (e.keyword !== 'additionalProperties') continue;
    const allowed = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
    const hit = suggest((e.params as { additionalProperty: string }).additionalProperty, allowed);
    if (hit !== undefined) misspelt.add(`${e.instancePath}\0${hit}`);
  }
  for (const error of relevant) {
    const pointer = error.instancePath;
    if (typed.has(pointer) && error.keyword !== 'type') continue;
    if (error.keyword === 'required' && misspelt.has(`${pointer}\0${(error.params as { missingProperty: string }).missingProperty}`)) continue;
    const field = fieldLabel(pointer);
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = params.additionalProperty as string;
        const child = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
        const { code, message } = unknownField(kind, pointer, key, allowed);
        report(code, message, offsetOf(root, child, true));
        break;
      }
      case 'required': {
        const missing = params.missingProperty as string;
        const whereText = where(kind, pointer);
        report('missing-field', `${whereText} is missing required field '${missing}'`, offsetOf(root, pointer, false));
        break;
      }
      case 'type': {
        const expected = Array.isArray(params.type) ? (params.type as string[]) : String(params.type).split(',');
        report('invalid-type', typeMessage(field, expected, error.data), offsetOf(root, pointer, false));
        break;
      }
      case 'maxItems': {
        const { code, message } = valueMessage(kind, error, field);
        // Point at the first entry over the limit: that is where the list became too long.
        const over = code === 'too-many-pixels' || code === 'too-many-segment-groups' ? `${pointer}/${params.limit as number}` : pointer;
        report(code, message, offsetOf(root, over, false));
        break;
      }
      case 'uniqueItems': {
        const { code, message } = valueMessage(kind, error, field);
        const later = Math.max(params.i as number, params.j as number);
        report(code, message, offsetOf(root, `${pointer}/${later}`, false));
        break;
      }
      default: {
        const { code, message } = valueMessage(kind, error, field);
        report(code, message, offsetOf(root, pointer, false));
      }
    }
  }
}

