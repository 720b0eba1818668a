/**
 * The small glob dialect of xandr-sync.yaml `manifests`: `*` and `?` within a path segment, `**` for any
 * number of directories, `[abc]`/`[!abc]` classes, `{a,b}` alternatives and `\` to escape. Patterns match
 * paths relative to the manifest root, with '/' separators.
 */
export class GlobError extends Error {}

const REGEX_SPECIAL = /[.+^$()|\\]/;

export function globToRegExp(glob: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < glob.length; ) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const wholeSegment = (i === 0 || glob[i - 1] === '/') && (i + 2 === glob.length || glob[i + 2] === '/');
        if (!wholeSegment) throw new GlobError("'**' must be a whole path segment, as in 'segments/**/*.yaml'");
        if (i + 2 === glob.length) {
          re += '.*';
          i += 2;
        } else {
          re += '(?:[^/]+/)*';
          i += 3;
        }
        continue;
      }
      re += '[^/]*';
      i++;
    } else if (c === '?') {
      re += '[^/]';
      i++;
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) throw new GlobError("unclosed '['");
      let body = glob.slice(i + 1, close);
      const negate = body[0] === '!' || body[0] === '^';
      if (negate) body = body.slice(1);
      body = body.replace(/[\\\]^]/g, (x) => `\\${x}`);
      re += negate ? `[^/${body}]` : `[${body}]`;
      i = close + 1;
    } else if (c === '{') {
      braces++;
      re += '(?:';
      i++;
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
      i++;
    } else if (c === ',' && braces > 0) {
      re += '|';
      i++;
    } else if (c === '\\') {
      const next = glob[i + 1];
      if (next === undefined) throw new GlobError("a glob cannot end with '\\'");
      re += /[a-zA-Z0-9]/.test(next) ? next : `\\${next}`;
      i += 2;
    } else {
      re += REGEX_SPECIAL.test(c) || c === '{' || c === '}' || c === ']' || c === '[' ? `\\${c}` : c;
      i++;
    }
  }
  if (braces > 0) throw new GlobError("unclosed '{'");
  return new RegExp(`^${re}$`);
}

/** Why a glob would reach outside the root, or undefined when it stays inside. */
export function escapesRoot(glob: string): string | undefined {
  if (glob.startsWith('/') || /^[A-Za-z]:[\\/]/.test(glob)) return 'it is absolute';
  if (glob.split(/[\\/]/).includes('..')) return "it uses '..'";
  return undefined;
}
