import { inertCharacters } from '../core/inert.js';

/**
 * HTML that is safe by construction. Every page is written with the `html` template below, which passes
 * every interpolated value through `escapeHtml` unless it is itself `Html` made by this module: a segment
 * named `<img src=x onerror=alert(1)>` in Xandr, a commit subject with `<script>` or a manifest value with
 * quotes shows as the text it is, in element content and in (always double-quoted) attribute values alike.
 * There is no way to mark a foreign string as markup.
 */
export class Html {
  /** Only this module makes Html from text; everything else composes it with `html`. */
  private constructor(readonly text: string) {}

  static trusted(text: string): Html {
    return new Html(text);
  }

  toString(): string {
    return this.text;
  }
}

/** What a template may interpolate: text (escaped), numbers, Html, lists of those; null, undefined and false print nothing. */
type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

/**
 * The one escape for the dashboard: hidden and control characters shown as `\uXXXX` (core/inert.ts, so a
 * bidirectional override cannot reorder what a reader sees), then the five characters that HTML gives a
 * meaning in content and in quoted attributes.
 */
export function escapeHtml(text: string): string {
  return inertCharacters(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return Html.trusted(out);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * A link inside the dashboard: the path's parts and the query's values are URL-encoded here, so an address
 * with `/`, `?` or `#` in it (a prune action's `Segment/<code from Xandr>`) stays one path segment. The
 * result starts with `/` by construction, so no foreign string can become a `javascript:` URL.
 */
export function href(path: readonly (string | number)[], query: Record<string, string | number | null | undefined> = {}): string {
  const base = `/${path.map((p) => encodeURIComponent(String(p))).join('/')}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return search ? `${base}?${search}` : base;
}
