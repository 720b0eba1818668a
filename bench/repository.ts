import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MEMBER_ID, type Workload } from './workload.js';

export interface RateSettings {
  readsPerMinute: number;
  writesPerMinute: number;
  maxInFlight: number;
}

export interface Repository {
  dir: string;
  bytes: number;
  files: number;
  remove(): void;
}

/** xandr-sync.yaml for the bench: the workload's member and the rate budget the CLI is to use. */
export function configYaml(rate: RateSettings): string {
  return [
    'apiVersion: xandr-sync/v1',
    'kind: Config',
    `member_id: ${MEMBER_ID}`,
    'rate:',
    `  reads_per_minute: ${rate.readsPerMinute}`,
    `  writes_per_minute: ${rate.writesPerMinute}`,
    `  max_in_flight: ${rate.maxInFlight}`,
    '',
  ].join('\n');
}

/**
 * Writes the workload's manifests into a fresh temporary directory. With `git`, the directory is made a
 * committed repository, as a config repository is, so a plan also pays for recording the commit.
 */
export function writeRepository(workload: Workload, rate: RateSettings, options: { git?: boolean } = {}): Repository {
  const dir = mkdtempSync(join(tmpdir(), 'xandr-sync-bench-'));
  let bytes = 0;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    bytes += Buffer.byteLength(text);
  };
  write('xandr-sync.yaml', configYaml(rate));
  for (const [path, text] of workload.files) write(path, text);
  if (options.git) {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    try {
      git('init', '-q');
      git('add', '.');
      git('-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-q', '-m', 'workload');
    } catch {
      // No git: plans record no commit, which costs slightly less. Not worth failing the bench for.
    }
  }
  return { dir, bytes, files: workload.files.size + 1, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
