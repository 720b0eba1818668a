import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DiagnosticCollector } from './collector.js';

/** The project file's name; found by walking up from the first PATH. */
export const CONFIG_FILE_NAME = 'xandr-sync.yaml';

export interface FileRef {
  abs: string;
  /** As diagnostics show it: relative to cwd with '/' separators, absolute when outside cwd. */
  display: string;
}

export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  const shown = rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
  return shown.split(path.sep).join('/');
}

export function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

const exists = (p: string) => stat(p).then(() => true, () => false);
const isFile = (p: string) => stat(p).then((s) => s.isFile(), () => false);

/**
 * The manifest root: the nearest directory at or above the first PATH that holds xandr-sync.yaml, not looking
 * past a repository's top (a directory with .git) or the file system's root. Without one, the first PATH (or
 * the directory of a file PATH) is the root.
 */
export async function findRoot(first: string): Promise<{ root: string; configFile: string | null }> {
  const info = await stat(first).catch(() => undefined);
  const start = info?.isDirectory() ? first : path.dirname(first);
  for (let dir = start; ; ) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (await isFile(candidate)) return { root: dir, configFile: candidate };
    if (await exists(path.join(dir, '.git'))) break;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { root: start, configFile: null };
}

export interface FileSearch {
  root: string;
  realRoot: string;
  cwd: string;
  configFile: string | null;
  /** Matchers of root-relative paths ('/' separators), one per `manifests` glob. */
  globs: Array<(path: string) => boolean>;
  globText: string;
  collector: DiagnosticCollector;
}

/**
 * The manifest files the PATHs name: directories are searched with the globs (never dot-directories or
 * node_modules), files are taken as given. Nothing outside the root is read, whether a PATH reaches out with
 * '..' or a symbolic link points out. Each file appears once, even when two PATHs or a link lead to it.
 */
export async function collectFiles(paths: string[], search: FileSearch): Promise<FileRef[]> {
  const { root, realRoot, cwd, collector } = search;
  const found = new Map<string, FileRef>();
  const rootShown = displayPath(root, cwd);
  // Keyed by real path, so a file reached twice (two PATHs, or through a link) is read once.
  const add = (place: { abs: string; real: string; shown: string }) => {
    if (!found.has(place.real)) found.set(place.real, { abs: place.abs, display: place.shown });
  };

  for (const abs of paths) {
    const shown = displayPath(abs, cwd);
    if (!isInside(root, abs)) {
      collector.atFile(shown, 'outside-root', `${shown} is outside the manifest root ${rootShown}: pass paths inside it, or run from the other project`);
      continue;
    }
    const link = await lstat(abs).catch(() => undefined);
    if (!link) {
      collector.atFile(shown, 'path-not-found', `${shown} does not exist`);
      continue;
    }
    const real = await realpath(abs).catch(() => undefined);
    if (real === undefined) {
      collector.atFile(shown, 'path-not-found', `${shown} is a symbolic link to something that does not exist`);
      continue;
    }
    if (!isInside(realRoot, real)) {
      collector.atFile(shown, 'outside-root', `${shown} leads to ${real} through a symbolic link, outside the manifest root ${rootShown}`);
      continue;
    }
    const info = await stat(abs).catch(() => undefined);
    if (!info) {
      collector.atFile(shown, 'path-not-found', `${shown} disappeared while it was being read`);
      continue;
    }
    if (info.isDirectory()) {
      const before = found.size;
      const rel = path.relative(root, abs).split(path.sep).join('/');
      await walk({ abs, real, rel, shown }, new Set([real]), search, add);
      if (found.size === before) {
        collector.atFile(shown, 'no-manifests', `no manifest files under ${shown} (searched for ${search.globText})`);
      }
    } else if (info.isFile()) {
      if (abs !== search.configFile) add({ abs, real, shown });
    } else {
      collector.atFile(shown, 'not-a-file', `${shown} is neither a file nor a directory`);
    }
  }
  return [...found.values()].sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
}

/** A path found while walking, in every form the walk needs (worked out once per entry, not per use). */
interface Place {
  abs: string;
  /** Its real path: for a plain entry, the parent's real path plus its name; no realpath call per file. */
  real: string;
  /** Relative to the root with '/' separators: what the globs match. */
  rel: string;
  /** As diagnostics show it. */
  shown: string;
}

function childOf(dir: Place, name: string, cwd: string, real?: string): Place {
  const abs = dir.abs.endsWith(path.sep) ? dir.abs + name : dir.abs + path.sep + name;
  return {
    abs,
    real: real ?? (dir.real.endsWith(path.sep) ? dir.real + name : dir.real + path.sep + name),
    rel: dir.rel === '' ? name : `${dir.rel}/${name}`,
    // A relative display path extends by its name; an absolute one might lead back into cwd, so recompute it.
    shown: dir.shown === '.' ? name : path.isAbsolute(dir.shown) ? displayPath(abs, cwd) : `${dir.shown}/${name}`,
  };
}

async function walk(dir: Place, visited: Set<string>, search: FileSearch, add: (place: Place) => void): Promise<void> {
  const { realRoot, cwd, collector, globs } = search;
  const matches = (place: Place) => globs.some((glob) => glob(place.rel));
  let entries;
  try {
    entries = await readdir(dir.abs, { withFileTypes: true });
  } catch (error) {
    collector.atFile(dir.shown, 'read-error', `cannot read the directory (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    if (entry.isDirectory()) {
      const place = childOf(dir, entry.name, cwd);
      if (visited.has(place.real)) continue;
      visited.add(place.real);
      await walk(place, visited, search, add);
    } else if (entry.isFile()) {
      const place = childOf(dir, entry.name, cwd);
      if (place.abs !== search.configFile && matches(place)) add(place);
    } else if (entry.isSymbolicLink()) {
      const linkPlace = childOf(dir, entry.name, cwd);
      const { abs, shown } = linkPlace;
      const real = await realpath(abs).catch(() => undefined);
      const target = real === undefined ? undefined : await stat(abs).catch(() => undefined);
      if (real === undefined || target === undefined) {
        if (matches(linkPlace)) collector.atFile(shown, 'path-not-found', `${shown} is a symbolic link to something that does not exist`);
        continue;
      }
      if (!target.isDirectory() && !matches(linkPlace)) continue;
      if (!isInside(realRoot, real)) {
        collector.atFile(shown, 'outside-root', `${shown} is a symbolic link to ${real}, outside the manifest root ${displayPath(search.root, cwd)}`);
        continue;
      }
      const place = childOf(dir, entry.name, cwd, real);
      if (target.isDirectory()) {
        if (visited.has(real)) continue;
        visited.add(real);
        await walk(place, visited, search, add);
      } else if (target.isFile() && abs !== search.configFile) {
        add(place);
      }
    }
  }
}
