import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { checkManifestDocument, type Entry } from './check-document.js';
import { checkReferences, type EntriesByKind } from './check-references.js';
import { DiagnosticCollector } from './collector.js';
import { checkConfigFile, defaultConfig } from './config.js';
import { reportProblems } from './document-header.js';
import { collectFiles, CONFIG_FILE_NAME, displayPath, findRoot, isInside, type FileRef } from './files.js';
import { compileGlob } from './glob.js';
import { readSource } from './read-source.js';
import { readYaml } from './read-yaml.js';
import type { SourceText } from './source-text.js';
import type { BindingManifest, Kind, LoadResult, PixelManifest, ProjectConfig, SegmentManifest, TargetingManifest } from './types.js';

export interface LoadOptions {
  /** Relative PATHs resolve against it, and diagnostics show file paths relative to it. */
  cwd: string;
  /**
   * The API URL the operator chose for this run (`--api-url`, `XANDR_API_URL`, else the default Xandr API).
   * When a string, an `api_url` in xandr-sync.yaml that differs from it is an `untrusted-api-url` error (and
   * is left out of the config). Undefined or null: no check (offline uses, the embedded sandbox).
   */
  operatorApiUrl?: string | null;
}

/** Files between two yields to the event loop while reading. */
const YIELD_EVERY = 200;

async function loadConfig(
  configFile: string | null,
  realRoot: string,
  cwd: string,
  collector: DiagnosticCollector,
  operatorApiUrl: string | null | undefined,
): Promise<ProjectConfig> {
  if (configFile === null) return defaultConfig();
  const shown = displayPath(configFile, cwd);
  const real = await realpath(configFile).catch(() => configFile);
  if (!isInside(realRoot, real)) {
    collector.atFile(shown, 'outside-root', `${shown} is a symbolic link to ${real}, outside the manifest root`);
    return defaultConfig(shown);
  }
  const source = readSource(configFile, shown, collector);
  if (!source) return defaultConfig(shown);
  return checkConfigFile(source, readYaml(source.text), collector, operatorApiUrl);
}

/**
 * Just the project file (xandr-sync.yaml) that `loadManifests` would use for these PATHs, with defaults
 * for what it leaves out (and all defaults without one). Its problems are reported by `loadManifests`;
 * `apply --plan`, which loads no manifest, reads its API URL and rate budget from here.
 */
export async function loadProjectConfig(paths: string[], options: LoadOptions): Promise<ProjectConfig> {
  const cwd = path.resolve(options.cwd);
  const { root, configFile } = await findRoot(path.resolve(cwd, paths[0] ?? '.'));
  const realRoot = await realpath(root).catch(() => root);
  return loadConfig(configFile, realRoot, cwd, new DiagnosticCollector(), options.operatorApiUrl);
}

/**
 * Reads the manifests that PATHs name (default: cwd) into the desired state, with every problem as a
 * diagnostic. Never throws for anything in the files: a missing path, hostile YAML or a schema error all
 * become diagnostics. `desired` is meaningful only when no diagnostic is an error.
 */
export async function loadManifests(paths: string[], options: LoadOptions): Promise<LoadResult> {
  const cwd = path.resolve(options.cwd);
  const collector = new DiagnosticCollector();
  const inputs = (paths.length > 0 ? paths : ['.']).map((p) => path.resolve(cwd, p));
  const { root, configFile } = await findRoot(inputs[0] as string);
  const realRoot = await realpath(root).catch(() => root);
  const config = await loadConfig(configFile, realRoot, cwd, collector, options.operatorApiUrl);

  const files = await collectFiles(inputs, {
    root,
    realRoot,
    cwd,
    configFile,
    globs: config.manifests.map((glob) => compileGlob(glob)),
    globText: config.manifests.join(', '),
    collector,
  });

  const configShown = displayPath(configFile ?? path.join(root, CONFIG_FILE_NAME), cwd);
  const entries: EntriesByKind = { segments: [], pixels: [], bindings: [], targeting: [] };
  const listOf: Record<Kind, Entry[]> = {
    Segment: entries.segments,
    ConversionPixel: entries.pixels,
    LineItemPixels: entries.bindings,
    LineItemSegments: entries.targeting,
  };
  const check = (source: SourceText | undefined) => {
    if (!source) return;
    const parsed = readYaml(source.text);
    reportProblems(source, parsed.problems, collector);
    for (const document of parsed.documents) {
      if (document.root === null) continue;
      if (collector.isFull(source.file)) {
        collector.stoppedAt(source, document.root.offset);
        break;
      }
      const entry = checkManifestDocument(document.root, { source, collector, configShown, document: document.index });
      if (!entry) continue;
      listOf[entry.manifest.kind].push(entry);
    }
  };
  for (let i = 0; i < files.length; i++) {
    const file = files[i] as FileRef;
    check(readSource(file.abs, file.display, collector));
    // Reading is synchronous (see readSource); let timers and sockets of a long-running host breathe.
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  checkReferences(entries, collector);

  return {
    root,
    files: files.map((f) => f.display),
    config,
    desired: {
      segments: entries.segments.map((e) => e.manifest as SegmentManifest),
      pixels: entries.pixels.map((e) => e.manifest as PixelManifest),
      bindings: entries.bindings.map((e) => e.manifest as BindingManifest),
      targeting: entries.targeting.map((e) => e.manifest as TargetingManifest),
    },
    diagnostics: collector.sorted(),
  };
}
