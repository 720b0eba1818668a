import { GitInputError } from './git-errors.js';

const MAX_REF_LENGTH = 255;

/**
 * `git check-ref-format --branch` in code, so a ref is judged before any git process runs: the name must
 * make a valid `refs/heads/<name>` (git-check-ref-format(1) rules 1 and 3 to 10), must not start with '-'
 * (git would read it as an option: `-x`, `--exec=...`) and must not be `HEAD`. A tag name or a commit id
 * passes too: `fetch` resolves it. Returns the reason it is refused, or null.
 */
export function refNameProblem(ref: string): string | null {
  if (ref.length === 0) return 'it is empty';
  if (ref.length > MAX_REF_LENGTH) return `it is longer than ${MAX_REF_LENGTH} characters`;
  if (ref.startsWith('-')) return "it starts with '-', so git would read it as an option";
  if (ref === 'HEAD') return "'HEAD' is not a branch name; name the branch";
  if (ref.includes('..')) return "it contains '..'";
  if (ref.endsWith('.')) return "it ends with '.'";
  for (const component of `refs/heads/${ref}`.split('/')) {
    if (component === '') return "it starts or ends with '/' or contains '//'";
    if (component.startsWith('.')) return "a part between slashes starts with '.'";
    if (component.endsWith('.lock')) return "a part between slashes ends with '.lock'";
  }
  if (ref.includes('@{')) return "it contains '@{'";
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u0020\u007f~^:?*[\\]/.exec(ref);
  if (bad) return `it contains ${describeChar(bad[0])}, which git does not allow in a ref`;
  return null;
}

/** Throws GitInputError unless `ref` is a valid branch, tag or commit name (see refNameProblem). */
export function checkRefName(ref: string): string {
  const problem = refNameProblem(ref);
  if (problem) throw new GitInputError(`refusing ref ${JSON.stringify(ref.length > 80 ? `${ref.slice(0, 77)}...` : ref)}: ${problem}`, 'ref');
  return ref;
}

function describeChar(c: string): string {
  if (c === ' ') return 'a space';
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  return `'${c}'`;
}
