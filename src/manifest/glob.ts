import picomatch from 'picomatch';

/**
 * The glob dialect of xandr-sync.yaml `manifests`: `*` and `?` within a path segment, `**` for any number of
 * directories, `[abc]`/`[!abc]` classes, `{a,b}` alternatives and `\` to escape. Patterns match paths relative
 * to the manifest root, with '/' separators. picomatch does the matching; this module keeps the dialect's
 * rules that picomatch would quietly read another way (an unclosed bracket as a literal, `a**` as `a*`), so
 * those stay positioned errors.
 */
export class GlobError extends Error {}

/** The dialect and nothing more: no negation (`!x` is a name), no extglobs (`+(a)` is literal), dot-files matched. */
const OPTIONS: picomatch.PicomatchOptions = { dot: true, nonegate: true, noextglob: true, posix: true };

/**
 * The glob as picomatch should read it, or a GlobError saying what is wrong with it. Parentheses and '|' are
 * escaped: in the dialect they are literal, and picomatch reads them as groups even without extglobs.
 */
function toPicomatch(glob: string): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '\\') {
      if (i + 1 === glob.length) throw new GlobError("a glob cannot end with '\\'");
      out += glob.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === '[') {
      // `[]a]` is a class holding ']' and 'a', as in POSIX.
      const close = glob.indexOf(']', i + 2);
      if (close === -1) throw new GlobError("unclosed '['");
      out += glob.slice(i, close + 1);
      i = close;
      continue;
    }
    if (c === '(' || c === ')' || c === '|') {
      out += `\\${c}`;
      continue;
    }
    out += c;
    if (c === '{') {
      braces++;
    } else if (c === '}' && braces > 0) {
      braces--;
    } else if (c === '*' && glob[i + 1] === '*') {
      const wholeSegment = (i === 0 || glob[i - 1] === '/') && (i + 2 === glob.length || glob[i + 2] === '/');
      if (!wholeSegment) throw new GlobError("'**' must be a whole path segment, as in 'segments/**/*.yaml'");
      out += '*';
      i++;
    }
  }
  if (braces > 0) throw new GlobError("unclosed '{'");
  return out;
}

/** A matcher for root-relative paths; throws a GlobError for a glob outside the dialect. */
export function compileGlob(glob: string): (path: string) => boolean {
  const pattern = toPicomatch(glob);
  try {
    return picomatch(pattern, OPTIONS);
  } catch (error) {
    throw new GlobError((error as Error).message);
  }
}

/** Why a glob would reach outside the root, or undefined when it stays inside. */
export function escapesRoot(glob: string): string | undefined {
  if (glob.startsWith('/') || /^[A-Za-z]:[\\/]/.test(glob)) return 'it is absolute';
  if (glob.split(/[\\/]/).includes('..')) return "it uses '..'";
  return undefined;
}
