import type { Plan } from '../plan/types.js';
import type { CycleReport } from '../sync/types.js';
import { renderApplyJson, renderApplyMarkdown, renderApplyText } from './apply-report.js';
import { renderCycleJson, renderCycleText } from './cycle-report.js';
import { renderDiagnosticsGithub, renderDiagnosticsJson, renderDiagnosticsText } from './diagnostics.js';
import { renderErrorJson, renderErrorMarkdown, renderErrorText } from './error-document.js';
import { renderPlanJson } from './plan-json.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { renderPlanText } from './plan-text.js';
import { plainStyle } from './style.js';
import type { ApplyDocument, DiagnosticsDocument, ErrorDocument, RenderOptions, Renderer, Sink } from './types.js';

export type * from './types.js';

/** Every document the product prints, by name, and the formats each one has. */
const registry = {
  plan: { text: renderPlanText, markdown: renderPlanMarkdown, json: renderPlanJson } satisfies Record<string, Renderer<Plan>>,
  apply: { text: renderApplyText, markdown: renderApplyMarkdown, json: renderApplyJson } satisfies Record<string, Renderer<ApplyDocument>>,
  diagnostics: { text: renderDiagnosticsText, json: renderDiagnosticsJson, github: renderDiagnosticsGithub } satisfies Record<string, Renderer<DiagnosticsDocument>>,
  cycle: { text: renderCycleText, json: renderCycleJson } satisfies Record<string, Renderer<CycleReport>>,
  error: { text: renderErrorText, json: renderErrorJson, markdown: renderErrorMarkdown } satisfies Record<string, Renderer<ErrorDocument>>,
};

type Registry = typeof registry;
type DocumentName = keyof Registry;
type FormatOf<D extends DocumentName> = keyof Registry[D] & string;
type ModelOf<D extends DocumentName> = Registry[D][FormatOf<D>] extends Renderer<infer M> ? M : never;

/** The formats a document has, in the order they are documented (the first is the default). */
export function formatsOf<D extends DocumentName>(document: D): FormatOf<D>[] {
  return Object.keys(registry[document]) as FormatOf<D>[];
}

export function render<D extends DocumentName>(document: D, format: FormatOf<D>, model: ModelOf<D>, sink: Sink, options: RenderOptions = {}): void {
  const renderer = registry[document][format] as unknown as Renderer<ModelOf<D>>;
  renderer(model, sink, { ...options, style: format === 'text' ? (options.style ?? plainStyle) : plainStyle });
}

/** The same, collected into a string (a comment body, a step summary, a saved plan file). */
export function renderToString<D extends DocumentName>(document: D, format: FormatOf<D>, model: ModelOf<D>, options: RenderOptions = {}): string {
  let out = '';
  render(document, format, model, { write: (text) => (out += text) }, options);
  return out;
}
