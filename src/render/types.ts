import type { Diagnostic } from '../manifest/types.js';
import type { Target } from '../plan/types.js';
import type { ApplyReport } from '../apply/execute.js';
import type { Style } from './style.js';

/** The models the renderers read and the one signature they share (registry.ts registers them). */

/** Where a renderer writes: a stream, a buffer, a file. */
export interface Sink {
  write(text: string): unknown;
}

/** Everything a renderer may be told; each reads what it needs. */
export interface RenderOptions {
  /** Colour, for text only (machine formats never get any). */
  style?: Style;
  /** The write budget apply will run at, for time estimates. */
  writesPerMinute?: number;
  /** In characters, for markdown that must fit a comment or a step summary. */
  maxLength?: number;
}

/** An apply's outcomes with what the report names around them. */
export interface ApplyDocument {
  report: ApplyReport;
  target: Target;
  elapsedMs: number;
}

/** What was checked, for the summary line of `validate`. */
export interface ValidationSummary {
  files: number;
  segments: number;
  pixels: number;
  bindings: number;
  targeting: number;
}

export interface DiagnosticsDocument {
  diagnostics: Diagnostic[];
  summary: ValidationSummary;
  /** The manifest root (JSON only). */
  root?: string;
}

/**
 * What a machine format prints when a command fails before it has its own document (a plan cut short by
 * invalid manifests, a refused saved plan): the error, and the diagnostics when there are any, so CI always
 * has something to parse or post.
 */
export interface ErrorDocument {
  /** `plan`, `apply`, ... */
  command: string;
  error: { code: string; message: string; hint?: string } | null;
  diagnostics?: Diagnostic[];
}

export type Renderer<M> = (model: M, sink: Sink, options: RenderOptions) => void;

