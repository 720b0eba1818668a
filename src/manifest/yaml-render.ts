import type { Json } from './types.js';
import { resolvePlain } from './yaml-fast.js';

/**
 * YAML text for single values, for in-place edits (edit-values.ts): one line each, in the style asked for when
 * that style can hold the value exactly, else double-quoted. Collections are written in flow style.
 */

export type ScalarStyle = 'plain' | 'single' | 'double';

// Indicators that cannot start a plain scalar, and characters a plain scalar cannot hold in flow context.
const PLAIN_START = /^[-?:,[\]{}#&*!|>'"%@`\s]/;
const FLOW_INDICATORS = /[,[\]{}]/;
// Printable text without line breaks, byte-order marks or C1 controls: what a one-line plain or single-quoted
// scalar can carry as it is.
const PRINTABLE = /^[\u0020-\u007e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]*$/u;

/** Whether `text` written plain reads back as exactly this string. */
function canBePlain(text: string, inFlow: boolean): boolean {
  if (text === '' || !PRINTABLE.test(text) || PLAIN_START.test(text) || /\s$/.test(text)) return false;
  if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return false;
  if (inFlow && FLOW_INDICATORS.test(text)) return false;
  // "true", "12", "null", "~" ... would read back as another type.
  return resolvePlain(text) === text;
}

function doubleQuoted(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff || (code >= 0xd800 && code <= 0xdfff)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

function numberText(n: number): string {
  if (Object.is(n, -0)) return '-0.0';
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  return String(n);
}

/** A string in the given style when the style can hold it exactly, else double-quoted. */
function renderString(text: string, style: ScalarStyle, inFlow = false): string {
  if (style === 'plain' && canBePlain(text, inFlow)) return text;
  if (style === 'single' && PRINTABLE.test(text)) return `'${text.replace(/'/g, "''")}'`;
  return doubleQuoted(text);
}

/** Any value on one line: scalars in `style` where they are strings, collections in flow style. */
export function renderValue(value: Json, style: ScalarStyle = 'plain', inFlow = false): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string') return renderString(value, style, inFlow);
  if (Array.isArray(value)) return `[${value.map((item) => renderValue(item, 'plain', true)).join(', ')}]`;
  const entries = Object.entries(value).map(([k, v]) => `${renderKey(k, true)}: ${renderValue(v, 'plain', true)}`);
  return `{${entries.join(', ')}}`;
}

/** A mapping key: plain when it can be, else double-quoted. */
export function renderKey(key: string, inFlow = false): string {
  return canBePlain(key, inFlow) ? key : doubleQuoted(key);
}
