import type { At } from './types.js';
import { fieldLabel } from './field-label.js';
import type { YNode } from './yaml-tree.js';

/**
 * Characters that change how text is shown without showing themselves: bidirectional controls reorder what a
 * reviewer reads (the "Trojan Source" trick, CVE-2021-42574), zero-width ones hide inside names and make two
 * codes that look equal differ. Each gets a warning that spells them out, so the review sees what the text hides.
 */
const HIDDEN: Record<string, string> = {
  '\u061c': 'ARABIC LETTER MARK',
  '\u200b': 'ZERO WIDTH SPACE',
  '\u200c': 'ZERO WIDTH NON-JOINER',
  '\u200d': 'ZERO WIDTH JOINER',
  '\u200e': 'LEFT-TO-RIGHT MARK',
  '\u200f': 'RIGHT-TO-LEFT MARK',
  '\u202a': 'LEFT-TO-RIGHT EMBEDDING',
  '\u202b': 'RIGHT-TO-LEFT EMBEDDING',
  '\u202c': 'POP DIRECTIONAL FORMATTING',
  '\u202d': 'LEFT-TO-RIGHT OVERRIDE',
  '\u202e': 'RIGHT-TO-LEFT OVERRIDE',
  '\u2060': 'WORD JOINER',
  '\u2066': 'LEFT-TO-RIGHT ISOLATE',
  '\u2067': 'RIGHT-TO-LEFT ISOLATE',
  '\u2068': 'FIRST STRONG ISOLATE',
  '\u2069': 'POP DIRECTIONAL ISOLATE',
  '\ufeff': 'ZERO WIDTH NO-BREAK SPACE',
};

const HIDDEN_PATTERN = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

const escape = (c: string) => `\\u${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;

/** The text with each hidden character written as its escape (`\u202E`). */
export const spellHidden = (text: string): string => text.replace(HIDDEN_PATTERN, escape);

/** The message for a text with hidden characters, or undefined when it has none. */
function describeHidden(text: string): string | undefined {
  const found = text.match(HIDDEN_PATTERN);
  if (!found) return undefined;
  const distinct = [...new Set(found)];
  const listed = distinct.map((c) => `${escape(c)} ${HIDDEN[c]}`).join(', ');
  // Where they are, with each one spelled out: what a reviewer would have seen, and what is really there.
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  const spelled = spellHidden(shown).replace(/\r?\n/g, '\\n');
  const what = found.length === 1 ? 'a character that is invisible or reorders text' : `${found.length} characters that are invisible or reorder text`;
  return `${what} (${listed}): the text is really '${spelled}'; remove ${found.length === 1 ? 'it' : 'them'} unless meant`;
}

const HAS_HIDDEN = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

/**
 * Warns at every string value under `node` (the whole document) that holds hidden characters. Runs on every
 * value of every manifest, so the path to a value is put together only for a value that has them.
 */
export function checkHiddenCharacters(node: YNode, at: At): void {
  const path: string[] = [];
  const visit = (current: YNode): void => {
    if (current.type === 'scalar') {
      if (typeof current.value !== 'string' || !HAS_HIDDEN.test(current.value)) return;
      const pointer = path.map((segment) => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
      const message = describeHidden(current.value) as string;
      at('hidden-characters', `${pointer === '' ? 'the document' : fieldLabel(pointer)} has ${message}`, current.offset, 'warning');
    } else if (current.type === 'map') {
      for (const pair of current.pairs) {
        path.push(pair.key);
        visit(pair.value);
        path.pop();
      }
    } else {
      for (let i = 0; i < current.items.length; i++) {
        path.push(String(i));
        visit(current.items[i] as YNode);
        path.pop();
      }
    }
  };
  visit(node);
}
