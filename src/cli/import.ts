import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { buildImport, IMPORT_MARKER, IMPORT_SCHEMA_URL, type ImportedFile } from '../import/build-import.js';
import { readAccount } from '../read/account.js';
import { loadManifests } from '../manifest/index.js';
import { schemaModeline } from '../manifest/emit.js';
import type { Desired, LoadResult } from '../manifest/types.js';
import { formatDiagnostic } from '../render/diagnostics.js';
import { styleFor } from '../render/style.js';
import { integer, parseCommandArgs } from './args.js';
import { UsageError } from './cli-errors.js';
import { connect } from './connection.js';
import { normalizeSandboxFlag, sandboxOption } from './gather.js';
import { EXIT_ERROR, EXIT_OK, type Command } from './io.js';
import { Progress } from './progress.js';

const USAGE = `Usage: xandr-sync import --advertiser ID [--advertiser ID...] [--member] [--out DIR] [options]

Reads the live segments, conversion pixels and line-item pixels of the advertisers named and writes
them as manifests, so that an existing account can be adopted (docs/adopting.md): one file per kind
and advertiser (DIR/advertiser-<id>/segments.yaml, pixels.yaml, line-items.yaml; member-level segments
in DIR/member/segments.yaml). Objects without a code get a name from their display name and a
metadata.id, so the next plan shows them as 'adopt' and nothing else. Importing again into the same
DIR keeps the names and rewrites only what changed in Xandr. Writes nothing to Xandr.

Options:
  --advertiser ID       import this advertiser's objects (repeatable)
  --member              also import member-level segments (those without an advertiser)
  --out DIR             where to write (default: the current directory); xandr-sync.yaml is written
                        there when the directory has none above it
  --api-url URL         the API to read (default XANDR_API_URL, then https://api.appnexus.com)
  --sandbox[=FILE]      read the embedded sandbox (default state .xandr-sync/sandbox.json)
  --quiet               no progress lines on stderr

Exit codes: 0 written (or already up to date), 1 any error.`;

export const importCommand: Command = {
  summary: 'write manifests for live objects, to adopt an existing account',
  usage: USAGE,
  async run(io) {
    const { values } = parseCommandArgs(
      normalizeSandboxFlag(io.argv),
      {
        advertiser: { type: 'string', multiple: true },
        member: { type: 'boolean' },
        out: { type: 'string' },
        'api-url': { type: 'string' },
        sandbox: { type: 'string' },
        quiet: { type: 'boolean' },
      },
      false,
    );
    const advertisers = (values.advertiser ?? []).map((a) => integer('advertiser', a, 1)!);
    if (advertisers.length === 0 && !values.member) throw new UsageError('name what to import: --advertiser ID (repeatable) and/or --member');
    const out = resolve(io.cwd, values.out ?? '.');
    if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${values.out} is not a directory`);
    mkdirSync(out, { recursive: true });
    const style = styleFor(io.stderr, io.env);

    const repo = await loadRepository(out, io.cwd);
    const progress = new Progress(io.stderr, io.clock, !values.quiet);
    progress.phase('Reading the account');
    const connection = await connect(io, {
      apiUrl: values['api-url'],
      sandbox: sandboxOption(values.sandbox),
      config: repo.config,
      onEvent: (event) => progress.observe(event),
    }).catch((error: unknown) => {
      progress.done();
      throw error;
    });
    let account;
    try {
      account = await readAccount(connection.client, { advertisers, member: values.member ?? false, memberId: repo.config.member_id }, io.stopSignal);
    } finally {
      progress.done();
      await connection.close();
    }

    const targets = new Set<string>();
    for (const id of advertisers) for (const name of ['segments', 'pixels', 'line-items', 'targeting']) targets.add(join(out, `advertiser-${id}`, `${name}.yaml`));
    if (values.member) targets.add(join(out, 'member', 'segments.yaml'));
    const isTarget = (file: string) => targets.has(resolve(io.cwd, file));
    const result = buildImport({
      account,
      scope: { advertisers, member: values.member ?? false },
      previous: partition(repo.desired, isTarget),
      others: partition(repo.desired, (file) => !isTarget(file)),
      schemaFor: (path) => schemaReference(join(out, path), 'manifest.schema.json') ?? IMPORT_SCHEMA_URL,
    });

    const shown = (abs: string) => relative(io.cwd, abs).split(sep).join('/') || '.';
    const write = (line: string) => io.stdout.write(`${line}\n`);
    write(`Imported from member ${account.member.id}${account.member.name ? ` (${account.member.name})` : ''} into ${shown(out)}:`);
    if (repo.config.file === null) {
      const file = join(out, 'xandr-sync.yaml');
      writeFileSync(file, configText(account.member.id, schemaReference(file, 'config.schema.json')));
      write(`  ${'wrote'.padEnd(9)}  ${shown(file)}  (member_id ${account.member.id}, prune: none)`);
    }
    for (const file of result.files) write(`  ${writeIfChanged(join(out, file.path), file.text).padEnd(9)}  ${shown(join(out, file.path))}  ${describeFile(file)}`);
    for (const path of result.empty) {
      const file = join(out, path);
      if (!existsSync(file) || !readFileSync(file, 'utf8').split('\n', 2)[1]?.includes(IMPORT_MARKER)) continue;
      rmSync(file);
      write(`  ${'removed'.padEnd(9)}  ${shown(file)}  (no such objects in Xandr any more)`);
    }
    for (const reason of result.skipped) io.stderr.write(style.yellow(`warning: ${reason}\n`));
    if (result.alreadyDescribed > 0) write(`${result.alreadyDescribed} object(s) left to the manifests that already describe them.`);

    const check = await loadManifests([repo.root], { cwd: io.cwd });
    const errors = check.diagnostics.filter((d) => d.severity === 'error');
    for (const d of errors) io.stderr.write(`${formatDiagnostic(d, style)}\n`);
    if (errors.length > 0) {
      io.stderr.write(style.red(`The manifests under ${shown(repo.root)} do not validate (${errors.length} error${errors.length === 1 ? '' : 's'}): fix them before planning.\n`));
      return EXIT_ERROR;
    }
    const adopts = result.files.reduce((n, f) => n + f.adopts, 0);
    write('');
    write(
      `Next: review the files, then run 'xandr-sync plan ${shown(repo.root)}'. It should show ${adopts ? `${adopts} adopt${adopts === 1 ? '' : 's'} (writing each object's code) and nothing else` : 'no changes'}; see docs/adopting.md.`,
    );
    return EXIT_OK;
  },
};

/** The repository the output directory belongs to: its manifests (to keep names stable) and its config. */
async function loadRepository(out: string, cwd: string): Promise<LoadResult> {
  const first = await loadManifests([out], { cwd });
  return first.root === out ? first : loadManifests([first.root], { cwd });
}

function partition(desired: Desired, keep: (file: string) => boolean): Desired {
  return {
    segments: desired.segments.filter((m) => keep(m.source.file)),
    pixels: desired.pixels.filter((m) => keep(m.source.file)),
    bindings: desired.bindings.filter((m) => keep(m.source.file)),
    targeting: desired.targeting.filter((m) => keep(m.source.file)),
  };
}

function writeIfChanged(file: string, text: string): string {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return 'unchanged';
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return 'wrote';
}

function describeFile(file: ImportedFile): string {
  const noun = { Segment: 'segment', ConversionPixel: 'conversion pixel', LineItemPixels: "line item's pixels", LineItemSegments: "line item's segments" }[file.kind];
  const plural =
    file.kind === 'LineItemPixels' ? (file.objects === 1 ? noun : "line items' pixels") : file.kind === 'LineItemSegments' ? (file.objects === 1 ? noun : "line items' segments") : `${noun}${file.objects === 1 ? '' : 's'}`;
  return `(${file.objects} ${plural}${file.adopts ? `, ${file.adopts} to adopt` : ''})`;
}

/**
 * Where editors find the schema, relative to `file`: the repository's own `schemas/` (a clone of
 * xandr-sync, or a config repository that vendors them) or `node_modules/xandr-sync/schemas/` (installed
 * with npm), in the file's directory or above it, up to the git root. null when neither exists.
 */
function schemaReference(file: string, schema: string): string | null {
  let dir = dirname(file);
  for (;;) {
    for (const candidate of [join(dir, 'schemas', schema), join(dir, 'node_modules', 'xandr-sync', 'schemas', schema)]) {
      if (existsSync(candidate)) return relative(dirname(file), candidate).split(sep).join('/');
    }
    const parent = dirname(dir);
    if (parent === dir || existsSync(join(dir, '.git'))) return null;
    dir = parent;
  }
}

function configText(memberId: number, schema: string | null): string {
  return [
    `# ${schemaModeline(schema ?? IMPORT_SCHEMA_URL.replace('manifest.schema.json', 'config.schema.json'))}`,
    `# ${IMPORT_MARKER}. Settings: docs/manifests.md, "The project file".`,
    'apiVersion: xandr-sync/v1',
    'kind: Config',
    `member_id: ${memberId}`,
    '# Turn prune on once the plan after import is clean (docs/adopting.md).',
    'prune: none',
    '',
  ].join('\n');
}
