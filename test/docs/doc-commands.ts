import { basename } from 'node:path';
import { codeSpans, docLines } from './markdown.js';

/** A command line a page shows, as written. */
export interface DocCommand {
  file: string;
  /** Where it starts (1-based). */
  line: number;
  /** The line without its prompt or YAML/systemd key (`$ `, `- run: `, `ExecStart=`), continuations joined. */
  text: string;
  /** In a fenced block (with its info string, '' for none) or in a code span of prose. */
  place: { block: string } | 'inline';
  /** In a console transcript: the lines the page shows as its output. */
  output: string[];
}

/** A line shown as output that starts like a command of xandr-sync: it should carry a `$ ` prompt. */
export interface Misplaced {
  file: string;
  line: number;
  text: string;
}

/** Blocks whose lines are output, not commands; in `console` blocks only `$ ` lines are commands. */
const OUTPUT_BLOCKS = new Set(['text', 'json', 'output']);

/** How a line may lead to the command: a prompt, a YAML step's `run:`, a systemd `ExecStart=`. */
const LEAD = String.raw`^\s*(?:\$\s+|-\s+run:\s+|run:\s+|ExecStart=)?`;
/**
 * Environment assignments, then xandr-sync: on PATH, by the path of an installed binary (`.../.bin/xandr-sync`),
 * through npx (any package spec naming it), or from a clone (`node bin/xandr-sync.js`).
 */
const INVOCATION = String.raw`(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npx\s+(?:(?:--yes|-y)\s+)?\S*xandr-sync\S*|node\s+\S*bin\/xandr-sync\.js|(?:\S*\/\.?bin\/)?xandr-sync)(?=\s|$)`;
const COMMAND_LINE = new RegExp(`${LEAD}(?=${INVOCATION})`);
const PROMPTED = new RegExp(String.raw`^\s*\$\s+(?=${INVOCATION})`);

/**
 * Every command line of xandr-sync on a page: lines of fenced blocks (a trailing `\`, or a next line that
 * starts with `--`, continues one) and code spans in prose that start with the invocation.
 */
export function extractCommands(file: string, text: string, commandNames: ReadonlySet<string>): { commands: DocCommand[]; misplaced: Misplaced[] } {
  const commands: DocCommand[] = [];
  const misplaced: Misplaced[] = [];
  const lines = docLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.fence === null) {
      for (const { code } of codeSpans(line.text)) {
        // `xandr-sync` alone names the program; with words after it, it is a command line.
        if (new RegExp(`^(?:\\$\\s+)?${INVOCATION}\\s+\\S`).test(code)) commands.push({ file, line: line.number, text: code.replace(/^\$\s+/, ''), place: 'inline', output: [] });
      }
      continue;
    }
    if (/^\s*#/.test(line.text)) continue;
    const isOutput = OUTPUT_BLOCKS.has(line.fence) || (line.fence === 'console' && !PROMPTED.test(line.text));
    const lead = COMMAND_LINE.exec(line.text);
    if (!lead) continue;
    if (isOutput) {
      misplaced.push({ file, line: line.number, text: line.text.trim() });
      continue;
    }
    let joined = line.text.slice(lead[0].length).trim();
    while (i + 1 < lines.length && lines[i + 1]!.fence === line.fence) {
      const next = lines[i + 1]!.text.trim();
      if (joined.endsWith('\\')) joined = `${joined.slice(0, -1).trimEnd()} ${next}`;
      else if (next.startsWith('--')) joined = `${joined} ${next}`;
      else break;
      i++;
    }
    const output: string[] = [];
    if (line.fence === 'console') {
      for (let j = i + 1; j < lines.length && lines[j]!.fence === 'console' && !/^\s*\$\s/.test(lines[j]!.text); j++) output.push(lines[j]!.text);
    }
    commands.push({ file, line: line.number, text: joined, place: { block: line.fence }, output });
  }
  // Output such as "xandr-sync will make these changes" is prose; "xandr-sync plan config" is a command.
  const looksRun = (m: Misplaced) => {
    const word = /xandr-sync\S*\s+(\S+)/.exec(m.text)?.[1] ?? '';
    return commandNames.has(word) || word.startsWith('-');
  };
  return { commands, misplaced: misplaced.filter(looksRun) };
}

/** A command split as a POSIX shell splits it, with what its trailing comment says. */
export interface ShellCommand {
  /** NAME=value words before the command. */
  env: Record<string, string>;
  /** How it was invoked (`npx --yes xandr-sync@0.1.0`, `node bin/xandr-sync.js`, ...). */
  invocation: string[];
  /** What xandr-sync receives: `process.argv.slice(2)`. */
  args: string[];
  /** The text after an unquoted `#`, or null. */
  comment: string | null;
  /** A shell operator (`|`, `&&`, `;`, `>`) that ends the command, with what follows; null for none. */
  rest: string | null;
}

/**
 * Splits `text` into words: single quotes, double quotes (with `$VAR`, `${VAR}` and backslash escapes),
 * backslash escapes, `#` comments. Variables come from `env`; an unset one is an error, since a reader's
 * shell would expand it to something this test cannot guess. No globbing, no command substitution.
 */
export function splitCommand(text: string, env: Record<string, string | undefined>): ShellCommand {
  const words: string[] = [];
  let word: string | null = null;
  let comment: string | null = null;
  let rest: string | null = null;
  const variable = (at: number): [string, number] => {
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(text.slice(at));
    const plain = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(at));
    const match = braced ?? plain;
    if (!match) {
      if (text[at + 1] === '(') throw new Error('command substitution $(...) cannot be run here');
      return ['$', at + 1];
    }
    const value = env[match[1]!];
    if (value === undefined) throw new Error(`$${match[1]} is not set for this command`);
    return [value, at + match[0].length];
  };
  let i = 0;
  scan: while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === '#' && word === null) {
      comment = text.slice(i + 1).trim();
      break;
    } else if ('|;&<>'.includes(c)) {
      rest = text.slice(i).trim();
      break scan;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error('an unclosed single quote');
      word = (word ?? '') + text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && '"\\$`'.includes(text[i + 1] ?? '')) {
          value += text[i + 1];
          i += 2;
        } else if (text[i] === '$') {
          const [expanded, next] = variable(i);
          value += expanded;
          i = next;
        } else {
          value += text[i];
          i++;
        }
      }
      if (text[i] !== '"') throw new Error('an unclosed double quote');
      word = (word ?? '') + value;
      i++;
    } else if (c === '\\') {
      word = (word ?? '') + (text[i + 1] ?? '');
      i += 2;
    } else if (c === '$') {
      const [expanded, next] = variable(i);
      word = (word ?? '') + expanded;
      i = next;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== null) words.push(word);

  const assignments: Record<string, string> = {};
  while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split('=');
    assignments[name!] = value.join('=');
  }
  let n = 0;
  if (words[0] === 'npx') {
    n = words[1] === '--yes' || words[1] === '-y' ? 2 : 1;
    if (!words[n]?.includes('xandr-sync')) throw new Error(`npx runs '${words[n]}', not xandr-sync`);
    n++;
  } else if (words[0] === 'node' && words[1]?.endsWith('bin/xandr-sync.js')) {
    n = 2;
  } else if (words[0] !== undefined && basename(words[0]) === 'xandr-sync') {
    n = 1;
  } else {
    throw new Error(`'${words[0]}' is not a way to run xandr-sync this test knows`);
  }
  return { env: assignments, invocation: words.slice(0, n), args: words.slice(n), comment, rest };
}

/** What a trailing comment says about the command: see the header of commands.test.ts. */
export function markers(comment: string | null): { needsCredentials: boolean; exitCode: number | null } {
  const exit = /\bexits (\d+)\b/.exec(comment ?? '');
  return { needsCredentials: /\bneeds real Xandr credentials\b/.test(comment ?? ''), exitCode: exit ? Number(exit[1]) : null };
}
