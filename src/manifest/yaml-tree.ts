import type { DiagnosticCode } from './codes.js';

/**
 * The YAML tree the rest of the loader works on: plain data plus source offsets, produced either by the fast
 * reader (fast-yaml.ts) or from the `yaml` package's documents (yaml-full.ts). Both must give identical trees
 * for the input they both accept; test/manifest/fast-yaml.test.ts checks that.
 *
 * Offsets: a scalar's is where its text starts (the quote for quoted scalars); an empty value (`key:` with
 * nothing after it) has its key's offset; a map's is its first key's (the `{` of an empty flow map); a
 * sequence's is its first `-` (or `[`).
 */
export type YScalarValue = null | boolean | number | string;

export interface YScalar {
  type: 'scalar';
  offset: number;
  value: YScalarValue;
}

export interface YPair {
  key: string;
  keyOffset: number;
  value: YNode;
}

export interface YMap {
  type: 'map';
  offset: number;
  pairs: YPair[];
}

export interface YSeq {
  type: 'seq';
  offset: number;
  items: YNode[];
}

export type YNode = YScalar | YMap | YSeq;

/** A problem found while reading YAML, at an offset into the text. */
export interface Problem {
  code: DiagnosticCode;
  message: string;
  offset: number;
}

/** One document of a file: its tree, or null for an empty document (only comments, or nothing). */
export interface YDocument {
  root: YNode | null;
  /**
   * 0-based index among the file's documents, counted as the `yaml` package counts them (each `---` starts
   * one; content before the first `---` is one): what edit-values.ts addresses. Documents refused for a problem
   * are left out of ParsedYaml.documents, so this is not always the position in that list.
   */
  index: number;
}

export interface ParsedYaml {
  documents: YDocument[];
  /** When there are problems, `documents` holds only the documents that had none. */
  problems: Problem[];
}

/** An integer literal of the YAML core schema (decimal, 0o octal, 0x hex). */
export const INTEGER_LITERAL = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;

/**
 * An integer beyond what a JS number holds exactly. JSON.parse and YAML readers round it silently
 * (`advertiser_id: 9007199254740993` becomes ...992), and the plan would then name another object; both
 * readers refuse the document instead, at the literal.
 */
export function unsafeIntegerProblem(literal: string, offset: number): Problem {
  const shown = literal.length > 40 ? `${literal.slice(0, 37)}...` : literal;
  return {
    code: 'unsafe-integer',
    message: `${shown} is beyond ±${Number.MAX_SAFE_INTEGER}, the largest whole number that is read exactly: it would be silently rounded (no Xandr id or limit is this large); correct the number, or quote it if it is meant as text`,
    offset,
  };
}

/** Nesting beyond this is refused: real manifests need about 6 levels, and deep input is a way to exhaust the stack. */
export const MAX_DEPTH = 64;
