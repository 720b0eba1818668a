import type { DiagnosticCollector } from './collector.js';
import { compileGlob, escapesRoot, GlobError } from './glob.js';
import { checkHeader, reportProblems } from './document-header.js';
import { checkHiddenCharacters } from './hidden-characters.js';
import { isKind, isObject, type JsonObject } from './kinds.js';
import { reportSchemaErrors } from './schema-errors.js';
import { validators } from './schemas.js';
import type { SourceText } from './source-text.js';
import { quote } from './quote.js';
import { didYouMean } from './suggest.js';
import type { ProjectConfig, PruneMode } from './types.js';
import { locate, materialize } from './yaml-value.js';
import type { ParsedYaml, Problem, YMap, YNode } from './yaml-tree.js';

export const DEFAULT_MANIFEST_GLOBS = ['**/*.yaml', '**/*.yml'];

/** Drifted objects a plan looks up in the Change Log by default: enough for a typical drift, few reads. */
export const DEFAULT_MAX_LOOKUPS = 20;

export function defaultConfig(file: string | null = null): ProjectConfig {
  return {
    file,
    manifests: [...DEFAULT_MANIFEST_GLOBS],
    prune: 'none',
    allow_empty_prune: false,
    guards: { goal_pixel_detach: 'warn' },
    attribution: { max_lookups: DEFAULT_MAX_LOOKUPS },
    rate: {},
  };
}

function configFrom(value: JsonObject, file: string, globsValid: boolean[]): ProjectConfig {
  const config = defaultConfig(file);
  if (typeof value.member_id === 'number') config.member_id = value.member_id;
  if (typeof value.api_url === 'string') config.api_url = value.api_url;
  if (Array.isArray(value.manifests)) {
    const globs = value.manifests.filter((g, i): g is string => typeof g === 'string' && globsValid[i] === true);
    if (globs.length > 0) config.manifests = globs;
  }
  if (value.prune === 'none' || value.prune === 'deactivate' || value.prune === 'delete') config.prune = value.prune as PruneMode;
  if (typeof value.allow_empty_prune === 'boolean') config.allow_empty_prune = value.allow_empty_prune;
  if (Array.isArray(value.protect)) config.protect = value.protect.filter((p): p is string => typeof p === 'string' && p !== '');
  if (isObject(value.guards)) {
    for (const key of ['max_changes', 'max_deletes'] as const) {
      const n = value.guards[key];
      if (typeof n === 'number' && Number.isInteger(n) && n >= 0) config.guards[key] = n;
    }
    if (value.guards.goal_pixel_detach === 'warn' || value.guards.goal_pixel_detach === 'refuse') config.guards.goal_pixel_detach = value.guards.goal_pixel_detach;
  }
  if (isObject(value.attribution)) {
    const n = value.attribution.max_lookups;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0) config.attribution.max_lookups = n;
  }
  if (isObject(value.rate)) {
    for (const key of ['reads_per_minute', 'writes_per_minute', 'max_in_flight'] as const) {
      const n = value.rate[key];
      if (typeof n === 'number' && Number.isInteger(n) && n >= 1) config.rate[key] = key === 'max_in_flight' ? Math.min(n, 15) : n;
    }
  }
  return config;
}

function checkGlobs(value: JsonObject, root: YMap, source: SourceText, collector: DiagnosticCollector): boolean[] {
  if (!Array.isArray(value.manifests)) return [];
  return value.manifests.map((glob, i) => {
    if (typeof glob !== 'string' || glob === '') return false;
    const offset = locate(root, `/manifests/${i}`).node?.offset ?? root.offset;
    const escape = escapesRoot(glob);
    if (escape) {
      collector.at(source, 'outside-root', `manifests glob ${quote(glob)} reaches outside the manifest root (${escape}): globs are relative to xandr-sync.yaml's directory`, offset);
      return false;
    }
    try {
      compileGlob(glob);
      return true;
    } catch (error) {
      if (!(error instanceof GlobError)) throw error;
      collector.at(source, 'invalid-value', `manifests[${i}] ${quote(glob)} is not a valid glob: ${error.message}`, offset);
      return false;
    }
  });
}

/**
 * An API URL as the trust check compares it: scheme and host lower-case (URL does that, and drops a default
 * port), path as written without trailing slashes.
 */
export function normalizeApiUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}${parsed.search}`;
  } catch {
    return url.trim().replace(/\/+$/, '');
  }
}

/**
 * The repository's api_url, when usable. Credentials go only to the default API or the URL the operator gives
 * (DESIGN.md section 8): a repository must not be able to send them elsewhere by naming another URL, so one
 * that differs from the operator's is an error, and is left out of the configuration.
 */
function checkApiUrl(value: JsonObject, root: YMap, source: SourceText, collector: DiagnosticCollector, operatorApiUrl: string | null | undefined): boolean {
  if (typeof value.api_url !== 'string') return false;
  const offset = locate(root, '/api_url').node?.offset ?? root.offset;
  try {
    new URL(value.api_url);
  } catch {
    collector.at(source, 'invalid-value', `api_url ${quote(value.api_url)} is not a URL`, offset);
    return true;
  }
  if (typeof operatorApiUrl === 'string' && normalizeApiUrl(value.api_url) !== normalizeApiUrl(operatorApiUrl)) {
    collector.at(
      source,
      'untrusted-api-url',
      `api_url ${quote(value.api_url)} differs from the API URL this run uses, ${quote(operatorApiUrl)}: credentials go only to the default Xandr API or the URL the operator gives (--api-url, XANDR_API_URL), so the repository's api_url must match it or be removed`,
      offset,
    );
    return false;
  }
  return true;
}

/** The project configuration from xandr-sync.yaml: one `kind: Config` document, settings at the top level. */
export function checkConfigFile(source: SourceText, parsed: ParsedYaml, collector: DiagnosticCollector, operatorApiUrl?: string | null): ProjectConfig {
  reportProblems(source, parsed.problems, collector);
  const roots = parsed.documents.map((d) => d.root).filter((r): r is YNode => r !== null);
  let config = defaultConfig(source.file);
  roots.forEach((root, index) => {
    if (index > 0) {
      collector.at(source, 'config-location', 'xandr-sync.yaml holds only the Config document: move this document to a manifest file', root.offset);
      return;
    }
    if (root.type !== 'map') {
      collector.at(source, 'invalid-type', 'xandr-sync.yaml must be a mapping (apiVersion: xandr-sync/v1, kind: Config, settings)', root.offset);
      return;
    }
    const problems: Problem[] = [];
    const value = materialize(root, source, problems) as JsonObject;
    reportProblems(source, problems, collector);
    if (source.hasHiddenCharacters) checkHiddenCharacters(root, (code, message, offset, severity) => collector.at(source, code, message, offset, severity));
    const kind = checkHeader(value, root, source, collector, 'xandr-sync.yaml');
    const kindOffset = locate(root, '/kind').node?.offset ?? root.offset;
    if (kind === undefined) return;
    if (isKind(kind)) {
      collector.at(source, 'config-location', `xandr-sync.yaml is the project file and holds only kind: Config; move this ${kind} to a manifest file`, kindOffset);
      return;
    }
    if (kind !== 'Config') {
      collector.at(source, 'unknown-kind', `xandr-sync.yaml must have kind: Config, got ${quote(kind)}${didYouMean(kind, ['Config'])}`, kindOffset);
      return;
    }
    const validate = validators.Config;
    if (!validate(value)) {
      reportSchemaErrors(validate.errors ?? [], root, 'Config', (code, message, offset) => collector.at(source, code, message, offset), ['/apiVersion', '/kind']);
    }
    const globsValid = checkGlobs(value, root, source, collector);
    const apiUrlTrusted = checkApiUrl(value, root, source, collector, operatorApiUrl);
    config = configFrom(value, source.file, globsValid);
    if (!apiUrlTrusted) delete config.api_url;
  });
  return config;
}
