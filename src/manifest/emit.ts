import { Document } from 'yaml';

/**
 * Manifest files as text, for `xandr-sync import`: plain block YAML (the form people write and the
 * loader's fast reader takes), keys in the order given, one `---` between documents, comments above
 * each document. The output depends only on the input, so writing the same objects twice gives the
 * same bytes.
 */

export interface EmittedDocument {
  /** Comment lines above the document, without the leading `# `. */
  comments: string[];
  /** apiVersion, kind, metadata, spec: written in this key order. */
  value: Record<string, unknown>;
}

export interface EmittedFile {
  /** Comment lines at the top of the file (the schema modeline first), without the leading `# `. */
  header: string[];
  documents: EmittedDocument[];
}

/** The yaml-language-server modeline that points editors at a schema (a relative path or a URL). */
export function schemaModeline(schema: string): string {
  return `yaml-language-server: $schema=${schema}`;
}

export function emitManifestFile(file: EmittedFile): string {
  const parts: string[] = [file.header.map(comment).join('')];
  file.documents.forEach((document, index) => {
    const body = new Document(document.value, { version: '1.2' }).toString({
      lineWidth: 0,
      minContentWidth: 0,
      // Multi-line text as a quoted scalar with \n, not a block scalar: one line per field stays diffable.
      blockQuote: false,
      indentSeq: true,
    });
    parts.push(`${index > 0 ? '---\n' : ''}${document.comments.map(comment).join('')}${body}`);
  });
  return parts.join('');
}

/** One comment line; line breaks and other control characters in names from Xandr become spaces. */
function comment(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trimEnd();
  return clean === '' ? '#\n' : `# ${clean}\n`;
}
