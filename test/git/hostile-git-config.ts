import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An operator's git configuration that an attacker's `.gitattributes` (`* filter=evil diff=evil
 * merge=evil`) can aim at: a filter, a textconv and a merge driver named `evil`, an fsmonitor, a hooks
 * directory and a credential helper, each of which appends its name to `marker` when it runs. The same
 * settings are reachable every way git finds configuration outside the repository: `~/.gitconfig`,
 * `$XDG_CONFIG_HOME/git/config`, `GIT_CONFIG_GLOBAL`, `GIT_CONFIG_SYSTEM` and `GIT_CONFIG_COUNT`.
 */
export interface HostileGitConfig {
  home: string;
  marker: string;
  /** What ran, in order (empty when nothing did). */
  ran(): string[];
  reset(): void;
  /** Sets the variables on process.env until restore(). */
  install(): void;
  restore(): void;
  /** The variables, for a control run of plain git. */
  env: Record<string, string>;
  cleanup(): void;
}

export const HOSTILE_ATTRIBUTES = '* filter=evil diff=evil merge=evil\n';

export function hostileGitConfig(): HostileGitConfig {
  const home = mkdtempSync(join(tmpdir(), 'xandr-sync-hostile-home-'));
  const marker = join(home, 'ran');
  const evil = join(home, 'evil');
  // Appends its first argument to the marker; as a filter or textconv it then passes its input (or the file
  // it was given) through, so that a filter that ran leaves the content intact and only the marker tells.
  // As anything else (fsmonitor, merge driver, credential helper) it reads nothing, so never waits on input.
  writeFileSync(
    evil,
    `#!/bin/sh\necho "$1" >> '${marker}'\ncase "$1" in clean|smudge|textconv) ;; *) exit 0 ;; esac\nshift\nif [ $# -gt 0 ] && [ -f "$1" ]; then cat "$1"; else cat; fi\n`,
  );
  chmodSync(evil, 0o755);
  const hooks = join(home, 'hooks');
  mkdirSync(hooks);
  for (const hook of ['post-checkout', 'reference-transaction', 'post-index-change', 'pre-auto-gc']) {
    writeFileSync(join(hooks, hook), `#!/bin/sh\necho hook-${hook} >> '${marker}'\n`);
    chmodSync(join(hooks, hook), 0o755);
  }
  const settings: [string, string][] = [
    ['filter.evil.clean', `${evil} clean`],
    ['filter.evil.smudge', `${evil} smudge`],
    ['diff.evil.textconv', `${evil} textconv`],
    ['merge.evil.driver', `${evil} merge %A`],
    ['core.fsmonitor', `${evil} fsmonitor`],
    ['core.hooksPath', hooks],
    ['credential.helper', `!${evil} credential`],
  ];
  const file = settings.map(([key, value]) => {
    const dot = key.lastIndexOf('.');
    const [section, ...sub] = key.slice(0, dot).split('.');
    const header = sub.length ? `[${section} "${sub.join('.')}"]` : `[${section}]`;
    return `${header}\n\t${key.slice(dot + 1)} = ${JSON.stringify(value)}\n`;
  }).join('');
  writeFileSync(join(home, '.gitconfig'), file);
  mkdirSync(join(home, 'xdg', 'git'), { recursive: true });
  writeFileSync(join(home, 'xdg', 'git', 'config'), file);
  writeFileSync(join(home, 'global.gitconfig'), file);
  writeFileSync(join(home, 'system.gitconfig'), file);
  const env: Record<string, string> = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'xdg'),
    GIT_CONFIG_GLOBAL: join(home, 'global.gitconfig'),
    GIT_CONFIG_SYSTEM: join(home, 'system.gitconfig'),
    GIT_CONFIG_COUNT: String(settings.length),
  };
  settings.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  let saved: Record<string, string | undefined> | null = null;
  return {
    home,
    marker,
    env,
    ran: () => (existsSync(marker) ? readFileSync(marker, 'utf8').split('\n').filter(Boolean) : []),
    reset: () => rmSync(marker, { force: true }),
    install: () => {
      saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
      Object.assign(process.env, env);
    },
    restore: () => {
      if (!saved) return;
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      saved = null;
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}
