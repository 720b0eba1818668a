import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadManifests } from '../../src/manifest/index.js';
import { makeTree, segment } from './helpers.js';

/** LineItemSegments: the desired state the planner gets, and the limits that need generated documents. */

const codes = (result: { diagnostics: Array<{ file: string; line: number; column: number; code: string }> }) =>
  result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`);

const targeting = (name: string, body: string[]) =>
  ['apiVersion: xandr-sync/v1', 'kind: LineItemSegments', 'metadata:', `  name: ${name}`, 'spec:', '  advertiser_id: 1234', ...body, ''].join('\n');

test('the desired state: defaults filled in, references rewritten to the Segment as written, positions', async () => {
  const tree = makeTree({
    'segments.yaml': `${segment('Retargeting-Segment', '  advertiser_id: 1234\n')}---\n${segment('newsletter')}`,
    'targeting.yaml': targeting('line-item-205-audience', [
      '  line_item_id: 205',
      '  groups:',
      '    - segments:',
      '        - segment: retargeting-segment',
      '          expire_minutes: 10080',
      '        - segment_id: 11836',
      '          action: exclude',
      '    - boolean_operator: or',
      '      segments:',
      '        - segment: NEWSLETTER',
      '          start_minutes: null',
    ]),
    // One LineItemPixels and one LineItemSegments for the same line item own different fields: both are fine.
    'pixels.yaml': 'apiVersion: xandr-sync/v1\nkind: LineItemPixels\nmetadata:\n  name: line-item-205-audience\nspec:\n  advertiser_id: 1234\n  line_item_id: 205\n  pixels: []\n',
  });
  try {
    const result = await loadManifests([], { cwd: tree.dir });
    assert.equal(result.diagnostics, []);
    assert.is(result.desired.bindings.length, 1);
    const [manifest] = result.desired.targeting;
    assert.is(manifest?.address, 'LineItemSegments/line-item-205-audience');
    assert.equal(manifest?.spec, {
      advertiser_id: 1234,
      line_item_id: 205,
      segment_boolean_operator: 'and',
      groups: [
        {
          boolean_operator: 'or',
          segments: [
            { segment: 'Retargeting-Segment', expire_minutes: 10080, action: 'include' },
            { segment_id: 11836, action: 'exclude' },
          ],
        },
        { boolean_operator: 'or', segments: [{ segment: 'newsletter', start_minutes: null, action: 'include' }] },
      ],
    });
    assert.equal(manifest?.source.fields?.['/groups/1/segments/0'], { file: 'targeting.yaml', line: 16, column: 11 });
  } finally {
    tree.cleanup();
  }
});

test('at most 400 segments in all, reported at the 401st with the count and the limit', async () => {
  const groups = (sizes: number[]) => {
    let id = 1;
    return sizes.flatMap((size) => ['    - segments:', ...Array.from({ length: size }, () => `        - segment_id: ${id++}`)]);
  };
  const tree = makeTree({
    'over.yaml': targeting('over', ['  line_item_id: 205', '  groups:', ...groups([200, 150, 51])]),
    'limit.yaml': targeting('limit', ['  line_item_id: 206', '  groups:', ...groups([400])]),
  });
  try {
    const result = await loadManifests([], { cwd: tree.dir });
    // The 401st segment is the 51st of the third group, whose header is line 9 + 201 + 151.
    assert.equal(codes(result), ['over.yaml:412:11 too-many-segments']);
    assert.match(result.diagnostics[0]?.message ?? '', 'at most 400 segments (Xandr\'s limit), and this one lists 401 across its groups: remove 1');
  } finally {
    tree.cleanup();
  }
});

test('at most 400 groups, reported at the 401st with the count and the limit', async () => {
  const groups = (n: number) => Array.from({ length: n }, () => '    - segments: [{segment_id: 1}]');
  const tree = makeTree({
    'over.yaml': targeting('over', ['  line_item_id: 205', '  groups:', ...groups(402)]),
    'limit.yaml': targeting('limit', ['  line_item_id: 206', '  groups:', ...groups(400)]),
  });
  try {
    const result = await loadManifests([], { cwd: tree.dir });
    // 402 segments in all are over the limit too (the 401st is in group 401); 400 groups of one are not.
    assert.equal(codes(result), ['over.yaml:409:7 too-many-segment-groups', 'over.yaml:409:19 too-many-segments']);
    assert.match(result.diagnostics[0]?.message ?? '', "at most 400 segment groups (Xandr's limit), and this one lists 402: remove 2");
  } finally {
    tree.cleanup();
  }
});

test('a segment can be targeted by its own advertiser and, member-level, by any; names compare ignoring case', async () => {
  const tree = makeTree({
    'segments.yaml': `${segment('own', '  advertiser_id: 1234\n')}---\n${segment('member')}---\n${segment('theirs', '  advertiser_id: 99\n')}`,
    'targeting.yaml': targeting('t', ['  line_item_code: Spring', '  groups:', '    - segments:', '        - segment: OWN', '        - segment: Member', '        - segment: theirs']),
  });
  try {
    const result = await loadManifests([], { cwd: tree.dir });
    assert.equal(codes(result), ['targeting.yaml:12:20 segment-advertiser-mismatch']);
    assert.match(result.diagnostics[0]?.message ?? '', "Segment 'theirs' belongs to advertiser 99 (segments.yaml:");
  } finally {
    tree.cleanup();
  }
});

test('the console-shape warning does not make the repository invalid', async () => {
  const tree = makeTree({
    'targeting.yaml': targeting('t', ['  line_item_id: 205', '  segment_boolean_operator: and', '  groups:', '    - boolean_operator: and', '      segments:', '        - segment_id: 1']),
  });
  try {
    const result = await loadManifests([], { cwd: tree.dir });
    assert.equal(result.diagnostics.map((d) => [d.severity, d.code, d.line, d.column]), [['warning', 'console-uneditable-targeting', 10, 25]]);
    assert.match(result.diagnostics[0]?.message ?? '', 'the console will not be able to edit this targeting');
    assert.is(result.desired.targeting.length, 1);
  } finally {
    tree.cleanup();
  }
});

test.run();
