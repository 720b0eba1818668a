import { readFullYaml } from './yaml-full.js';
import { readFastYaml } from './yaml-fast.js';
import type { ParsedYaml } from './yaml-tree.js';

/** The documents of a YAML text: the fast reader when the text is plain block YAML, the `yaml` package otherwise. */
export function readYaml(text: string): ParsedYaml {
  return readFastYaml(text) ?? readFullYaml(text);
}
