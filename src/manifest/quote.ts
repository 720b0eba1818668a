/** A user's text in a message: quoted, on one line, and short, whatever was written (a 5 MB kind, say). */
export function quote(text: string): string {
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `'${short.replace(/\r?\n/g, '\\n')}'`;
}
