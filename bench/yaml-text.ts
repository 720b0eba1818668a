/**
 * Block YAML as people write manifests: plain scalars where YAML reads them back as the same string,
 * double quotes otherwise. Only what the generator produces is supported (no multi-line strings).
 */

type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

const PLAIN = /^[A-Za-z][A-Za-z0-9 ._\/:-]*$/;
const RESERVED = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|y|n|yes|no|on|off)$/i;

function scalar(value: null | boolean | number | string): string {
  if (typeof value !== 'string') return String(value);
  const plain = PLAIN.test(value) && !RESERVED.test(value) && !value.includes(': ') && !value.endsWith(':') && !value.endsWith(' ');
  return plain ? value : JSON.stringify(value);
}

function isMap(value: Value): value is { [key: string]: Value } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The lines of a mapping at `indent` spaces. */
function mapLines(map: { [key: string]: Value }, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  for (const [key, value] of Object.entries(map)) {
    if (isMap(value)) {
      out.push(`${pad}${key}:`);
      mapLines(value, indent + 2, out);
    } else if (Array.isArray(value)) {
      if (value.length === 0) {
        out.push(`${pad}${key}: []`);
        continue;
      }
      out.push(`${pad}${key}:`);
      for (const item of value) {
        if (isMap(item)) {
          const inner: string[] = [];
          mapLines(item, indent + 4, inner);
          out.push(`${pad}  - ${inner[0]!.trimStart()}`, ...inner.slice(1));
        } else {
          out.push(`${pad}  - ${scalar(item as null | boolean | number | string)}`);
        }
      }
    } else {
      out.push(`${pad}${key}: ${scalar(value)}`);
    }
  }
}

/** One manifest document (without the `---` separator). */
export function manifestYaml(kind: string, metadata: { [key: string]: Value }, spec: { [key: string]: Value }): string {
  const out = ['apiVersion: xandr-sync/v1', `kind: ${kind}`];
  mapLines({ metadata, spec }, 0, out);
  return `${out.join('\n')}\n`;
}

/** Several documents in one file, under a comment line. */
export function manifestFile(documents: string[], comment: string): string {
  return `# ${comment}\n${documents.join('---\n')}`;
}

export type { Value as YamlValue };
