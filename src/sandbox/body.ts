/**
 * Request bodies. JSON is parsed whatever the Content-Type: `curl -d @file`, as the Xandr docs use it, sends
 * application/x-www-form-urlencoded and strips the newlines. The docs' examples also elide members with
 * `...`; a body that fails to parse is retried once with such placeholders removed, so the seed article's
 * bodies work pasted verbatim.
 */

export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: string };

export function parseBody(text: string): ParsedBody {
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const first = (error as Error).message;
    const repaired = removeElisions(text);
    if (repaired !== text) {
      try {
        return { ok: true, value: JSON.parse(repaired) };
      } catch {
        /* report the original problem */
      }
    }
    return { ok: false, error: `request body is not valid JSON: ${first}` };
  }
}

/** Drops `...` where a member or element would be: `, ...` before a closing bracket, `...,` after an opening one. */
export function removeElisions(text: string): string {
  return text
    .replace(/,\s*(?:\.\.\.|…)\s*(?=[}\]])/g, '')
    .replace(/([{[])\s*(?:\.\.\.|…)\s*,?/g, '$1')
    .replace(/,\s*(?:\.\.\.|…)\s*,/g, ',');
}

/** A deep copy with every `password` value replaced by "***", for the request log. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    copy[key] = /passw(or)?d|secret/i.test(key) ? '***' : redactSecrets(inner);
  }
  return copy;
}
