import { spellHidden } from './hidden-characters.js';

/** A user's text in a message: quoted, on one line, short and with hidden characters spelled out, whatever was written. */
export function quote(text: string): string {
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `'${spellHidden(short).replace(/\r?\n/g, '\\n')}'`;
}
