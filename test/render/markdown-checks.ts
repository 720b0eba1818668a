import * as assert from 'uvu/assert';
import type { Action, Plan } from '../../src/plan/types.js';

/**
 * What "well-formed" means for a comment: every <details> closed before the next opens, every table with
 * its header and separator, every row with as many cells as its header.
 */
export function assertWellFormed(markdown: string): void {
  assert.ok(markdown.endsWith('\n'), 'ends with a newline');
  const lines = markdown.split('\n');
  let open = false;
  let columns: number | null = null;
  for (const [i, line] of lines.entries()) {
    if (line.startsWith('<details')) {
      assert.not.ok(open, `line ${i + 1}: <details> opened inside another`);
      open = true;
    }
    if (line === '</details>') {
      assert.ok(open, `line ${i + 1}: </details> without <details>`);
      open = false;
    }
    if (line.startsWith('|')) {
      const cells = cellCount(line);
      if (columns === null) {
        assert.match(lines[i + 1] ?? '', /^\|(---\|)+$/, `line ${i + 1}: a table starts without its separator line`);
        assert.is(cellCount(lines[i + 1]!), cells, `line ${i + 2}: separator has as many columns as the header`);
        columns = cells;
      } else {
        assert.is(cells, columns, `line ${i + 1}: ${cells} cells in a table of ${columns} columns`);
      }
      assert.ok(line.endsWith('|'), `line ${i + 1}: a row ends with |`);
    } else {
      columns = null;
    }
  }
  assert.not.ok(open, 'every <details> is closed');
}

/** Cells of a table row: `|` not escaped by a backslash. */
function cellCount(line: string): number {
  return line.replace(/\\\|/g, '').split('|').length - 2;
}

let counter = 0;

export function action(kind: Action['kind'], overrides: Partial<Action> = {}): Action {
  const n = ++counter;
  const name = `${kind === 'Segment' ? 'segment' : kind === 'ConversionPixel' ? 'pixel' : 'line-item'}-${n}`;
  const service = kind === 'Segment' ? '/segment' : kind === 'ConversionPixel' ? '/pixel' : '/line-item';
  return {
    address: `${kind}/${name}`,
    kind,
    action: 'update',
    wave: 1,
    request: { method: 'PUT', path: service, query: { id: 1000 + n, advertiser_id: 1234 }, body: { short_name: `Name ${n}` } },
    changes: [{ op: 'replace', path: '/short_name', value: `Name ${n} (new)` }],
    depends_on: [],
    live: { short_name: `Name ${n}` },
    warnings: [],
    id: 1000 + n,
    ...overrides,
  };
}

export function plan(actions: Action[], overrides: Partial<Plan> = {}): Plan {
  const count = (a: Action['action']) => actions.filter((x) => x.action === a).length;
  return {
    format_version: 1,
    target: { kind: 'xandr', api_url: 'https://api.appnexus.com', member_id: 958 },
    source: { paths: ['config'], git: { commit: '3f2c4b5a6d7e8f90', dirty: false } },
    options: { prune: 'none', allow_empty_prune: false, advertisers: null, selection: null },
    scope: null,
    created_at: '2025-01-01T00:00:00.000Z',
    summary: {
      create: count('create'),
      update: count('update'),
      delete: count('delete'),
      adopt: count('adopt'),
      rename: count('rename'),
      deactivate: count('deactivate'),
      unchanged: 7,
      reads: 12,
      writes: actions.length,
    },
    actions,
    warnings: [],
    errors: [],
    guards: {},
    ...overrides,
  };
}
