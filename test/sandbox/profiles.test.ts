import * as assert from 'uvu/assert';
import { FakeClock } from '../helpers/fake-clock.js';
import { assertError, ok, sandboxSuite } from './helpers.js';

const clock = new FakeClock(Date.UTC(2026, 2, 1, 12));
const s = sandboxSuite('sandbox /profile and line items\' profile_id', { clock });
const test = s.test;

const syntax = { status: 400, errorId: 'SYNTAX' } as const;
const put = (query: string, profile: unknown) => s.api.put(`/profile${query}`, { profile });

/** Creates segments (member-level unless an advertiser is given), returns their ids. */
async function segments(n: number, advertiserId?: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const scope = advertiserId ? `?advertiser_id=${advertiserId}` : '';
    ids.push(ok(await s.api.post(`/segment${scope}`, { segment: { short_name: `Seg ${advertiserId ?? 'm'}-${i}`, code: `seg-${advertiserId ?? 'm'}-${i}` } })).id);
  }
  return ids;
}

test('POST creates a profile for an advertiser: the singular key, the defaults, and an int id', async () => {
  const r = ok(await s.api.post('/profile?advertiser_id=1234', { profile: { code: 'p1', description: 'first' } }));
  assert.is(r.id, 8001, 'profile ids start at 8001');
  assert.is(r.dbg_info.output_term, 'profile');
  const p = r.profile;
  assert.equal(
    [p.id, p.code, p.description, p.advertiser_id, p.member_id, p.segment_boolean_operator, p.segment_targets, p.segment_group_targets, p.is_archived],
    [8001, 'p1', 'first', 1234, 958, 'and', null, null, false],
  );
  assert.is(p.last_modified, '2026-03-01 12:00:00');
  assertError(await s.api.post('/profile', { profile: {} }), { ...syntax, message: /'advertiser_id' is required to create a profile/ });
  assertError(await s.api.post('/profile?advertiser_id=1234', { profile: { colour: 'red' } }), { ...syntax, message: /field 'colour' is not a valid profile field/ });
});

test('segment_group_targets: stored with the documented defaults, code/name/deleted filled from the segment store', async () => {
  const [a, b] = await segments(2);
  const [own] = await segments(1, 1234);
  const body = {
    segment_boolean_operator: 'or',
    segment_group_targets: [
      { boolean_operator: 'and', segments: [{ id: a }, { id: String(b), action: 'exclude', start_minutes: 5, expire_minutes: 60, other_less: 2012, other_greater: 2009 }] },
      { segments: [{ id: own, other_in_list: ['ford', 'honda'], code: 'ignored', name: 'ignored', deleted: true }] },
    ],
  };
  const p = ok(await put('?id=7206&advertiser_id=1234', body)).profile;
  assert.is(p.segment_boolean_operator, 'or');
  assert.equal(p.segment_group_targets, [
    {
      boolean_operator: 'and',
      segments: [
        { id: a, action: 'include', start_minutes: 0, expire_minutes: -1, other_less: null, other_greater: null, other_equals: null, code: 'seg-m-0', name: 'Seg m-0', deleted: false, other_in_list: null },
        { id: b, action: 'exclude', start_minutes: 5, expire_minutes: 60, other_less: 2012, other_greater: 2009, other_equals: null, code: 'seg-m-1', name: 'Seg m-1', deleted: false, other_in_list: null },
      ],
    },
    {
      boolean_operator: 'or',
      segments: [
        { id: own, action: 'include', start_minutes: 0, expire_minutes: -1, other_less: null, other_greater: null, other_equals: null, code: 'seg-1234-0', name: 'Seg 1234-0', deleted: false, other_in_list: ['ford', 'honda'] },
      ],
    },
  ]);
  // A segment renamed or deleted later shows its current code and name, and deleted: true once gone.
  await s.api.put(`/segment?id=${a}`, { segment: { short_name: 'Renamed' } });
  await s.api.put('/line-item?id=206', { 'line-item': { profile_id: null } });
  await s.api.del(`/segment?id=${b}`);
  const again = ok(await s.api.get('/profile?id=7206')).profiles[0].segment_group_targets[0].segments;
  assert.equal(again.map((x: any) => [x.id, x.name, x.deleted]), [[a, 'Renamed', false], [b, null, true]]);
  ok(await put('?id=7206', { description: 'an unrelated edit' }), 'a segment deleted since does not block other edits');
  assertError(await put('?id=7206&append=true', { segment_group_targets: [{ segments: [{ id: b }] }] }), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_SEGMENT' });
});

test('segment_targets (the flat form) works too; sending both forms in one request is refused', async () => {
  const [a, b] = await segments(2);
  const p = ok(await put('?id=7206', { segment_targets: [{ id: a }, { id: b, action: 'exclude' }] })).profile;
  assert.equal(p.segment_targets.map((x: any) => [x.id, x.action, x.expire_minutes]), [[a, 'include', -1], [b, 'exclude', -1]]);
  assert.is(p.segment_group_targets, null);
  assertError(await put('?id=7206', { segment_targets: [{ id: a }], segment_group_targets: [] }), {
    ...syntax,
    message: /'segment_targets' and 'segment_group_targets' cannot both be sent in one request/,
  });
});

test('PUT replaces arrays; append=true merges segment_targets by id and adds groups', async () => {
  const [a, b, c] = await segments(3);
  await put('?id=7206', { segment_targets: [{ id: a }, { id: b }] });
  const replaced = ok(await put('?id=7206', { segment_targets: [{ id: c }] })).profile;
  assert.equal(replaced.segment_targets.map((x: any) => x.id), [c], 'without append the array sent replaces the stored one');
  const appended = ok(await put('?id=7206&append=true', { segment_targets: [{ id: a, action: 'exclude' }, { id: c, expire_minutes: 30 }] })).profile;
  assert.equal(appended.segment_targets.map((x: any) => [x.id, x.action, x.expire_minutes]), [[c, 'include', 30], [a, 'exclude', -1]]);
  await put('?id=7206', { segment_targets: null, description: 'kept' });
  await put('?id=7206', { segment_group_targets: [{ boolean_operator: 'or', segments: [{ id: a }] }] });
  const groups = ok(await put('?id=7206&append_only=true', { segment_group_targets: [{ boolean_operator: 'or', segments: [{ id: b }] }] })).profile;
  assert.equal(groups.segment_group_targets.map((g: any) => g.segments.map((x: any) => x.id)), [[a], [b]]);
  assert.is(groups.description, 'kept', 'fields not sent are left alone');
});

test('null segments, entries without an id and bad enums are refused, naming the element', async () => {
  const [a] = await segments(1);
  const cases: [unknown, RegExp][] = [
    [{ segment_group_targets: [{ segments: [{ id: a }, null] }] }, /'segment_group_targets\[0\]\.segments\[1\]' is null: null segments cannot be added/],
    [{ segment_targets: [null] }, /'segment_targets\[0\]' is null/],
    [{ segment_group_targets: [{ segments: [{ action: 'include' }] }] }, /'segment_group_targets\[0\]\.segments\[0\]\.id' is required/],
    [{ segment_targets: [{ id: null }] }, /'segment_targets\[0\]\.id' is required/],
    [{ segment_targets: [{ id: a, action: 'maybe' }] }, /'segment_targets\[0\]\.action' must be one of include, exclude/],
    [{ segment_group_targets: [{ boolean_operator: 'xor', segments: [] }] }, /'segment_group_targets\[0\]\.boolean_operator' must be one of and, or/],
    [{ segment_boolean_operator: 'AND' }, /'segment_boolean_operator' must be one of and, or/],
    [{ segment_group_targets: [{ segments: [{ id: a, other_equals: 'x', other_in_list: ['y'] }] }] }, /other_equals and other_in_list cannot be used together/],
    [{ segment_targets: [{ id: a }, { id: a }] }, /segment \d+ appears more than once in 'segment_targets'/],
    [{ segment_group_targets: [{ segments: [{ id: a, start_minutes: 'soon' }] }] }, /'segment_group_targets\[0\]\.segments\[0\]\.start_minutes' must be an integer/],
    [{ segment_group_targets: [{ boolean_operator: 'or' }] }, /'segment_group_targets\[0\]\.segments' is required/],
  ];
  for (const [body, message] of cases) assertError(await put('?id=7206', body), { ...syntax, message });
  assert.is(ok(await s.api.get('/profile?id=7206')).profiles[0].segment_targets, null, 'validation is all or nothing');
});

test('every segment must exist and be usable by the profile\'s advertiser', async () => {
  const [other] = await segments(1, 5678);
  const [own] = await segments(1, 1234);
  const [network] = await segments(1);
  assertError(await put('?id=7206', { segment_group_targets: [{ segments: [{ id: network }, { id: 31337 }] }] }), {
    status: 404,
    errorId: 'SYNTAX',
    errorCode: 'NOTFOUND_SEGMENT',
    message: /'segment_group_targets\[0\]\.segments\[1\]\.id': segment id not found: 31337/,
  });
  assertError(await put('?id=7206', { segment_targets: [{ id: own }, { id: other }] }), {
    ...syntax,
    message: new RegExp(`'segment_targets\\[1\\]\\.id': segment ${other} belongs to advertiser 5678 and cannot be targeted by a profile of advertiser 1234`),
  });
  ok(await put('?id=7206', { segment_targets: [{ id: own }, { id: network }] }));
});

test('at most 400 segments and 400 segment groups per profile (LIMIT), also after an append', async () => {
  await s.sb.control.upsert({ segments: Array.from({ length: 401 }, (_, i) => ({ id: 20_000 + i, short_name: `bulk ${i}` })) });
  const ids = Array.from({ length: 401 }, (_, i) => 20_000 + i);
  ok(await put('?id=7206', { segment_group_targets: [{ segments: ids.slice(0, 400).map((id) => ({ id })) }] }), '400 is allowed');
  assertError(await put('?id=7206&append=true', { segment_group_targets: [{ segments: [{ id: ids[400] }] }] }), {
    status: 400,
    errorId: 'LIMIT',
    message: /at most 400 segments; this request would give profile 7206 401/,
  });
  assertError(await put('?id=7206', { segment_group_targets: ids.map((id) => ({ segments: [{ id }] })) }), {
    status: 400,
    errorId: 'LIMIT',
    message: /at most 400 segment groups/,
  });
});

test('GET: ?id= lists (100 at most, paged), by advertiser, member-wide, by code, with min_last_modified', async () => {
  await s.sb.control.upsert({
    profiles: Array.from({ length: 150 }, (_, i) => ({ id: 9000 + i, advertiser_id: i % 2 ? 1234 : 5678, code: `bulk-${i}`, last_modified: '2020-01-01 00:00:00' })),
  });
  const list = Array.from({ length: 120 }, (_, i) => 9000 + i).join(',');
  const byId = ok(await s.api.get(`/profile?id=${list}`));
  assert.equal([byId.count, byId.profiles.length, byId.num_elements], [120, 100, 100]);
  assert.is(ok(await s.api.get(`/profile?id=${list}&start_element=100`)).profiles.length, 20);
  const memberWide = ok(await s.api.get('/profile'));
  assert.is(memberWide.count, 151, 'every profile of the member, the seed one included');
  assert.is(ok(await s.api.get('/profile?advertiser_id=1234')).count, 76);
  assert.equal(ok(await s.api.get('/profile?advertiser_code=acme-outdoor&code=BULK-2')).profiles.map((p: any) => p.id), [9002]);
  await clock.advance(60_000);
  await put('?id=9003', { description: 'moved' });
  assert.equal(ok(await s.api.get('/profile?min_last_modified=2026-03-01+12:01:00')).profiles.map((p: any) => p.id), [9003]);
  assertError(await s.api.get('/profile?id=424242'), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_PROFILE' });
  assertError(await s.api.get('/profile?advertiser_id=1234&id=9000'), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_PROFILE' });
});

test('an archived profile accepts only GET and DELETE, and no line item may take it', async () => {
  await s.sb.control.upsert({ profiles: [{ id: 9500, advertiser_id: 1234, is_archived: true }] });
  assert.is(ok(await s.api.get('/profile?id=9500')).profiles[0].is_archived, true);
  assertError(await put('?id=9500', { description: 'x' }), { ...syntax, message: /profile 9500 is archived: an archived profile accepts only GET and DELETE/ });
  assertError(await s.api.put('/line-item?id=205', { 'line-item': { profile_id: 9500 } }), { ...syntax, message: /profile 9500 is archived/ });
  ok(await s.api.del('/profile?id=9500'));
  assertError(await s.api.get('/profile?id=9500'), { status: 404, errorId: 'SYNTAX' });
});

test('line items: profile_id is null or a profile of the same advertiser; deleting a profile in use is refused', async () => {
  const lis = ok(await s.api.get('/line-item?id=205,206'))['line-items'];
  assert.equal(lis.map((li: any) => li.profile_id), [null, 7206], 'seed: 205 has no profile, 206 has one');
  assert.equal(ok(await s.api.get('/profile?id=7206')).profiles[0].segment_group_targets, null, 'with no segment targeting');
  const other = ok(await s.api.post('/profile?advertiser_id=5678', { profile: {} })).id;
  const mine = ok(await s.api.post('/profile?advertiser_id=1234', { profile: {} })).id;
  assertError(await s.api.put('/line-item?id=205', { 'line-item': { profile_id: other } }), {
    ...syntax,
    message: new RegExp(`profile ${other} belongs to advertiser 5678, not to the line item's advertiser 1234`),
  });
  assertError(await s.api.put('/line-item?id=205', { 'line-item': { profile_id: 424242 } }), { status: 404, errorId: 'SYNTAX', errorCode: 'NOTFOUND_PROFILE' });
  assert.is(ok(await s.api.put('/line-item?id=205', { 'line-item': { profile_id: String(mine) } }))['line-item'].profile_id, mine);
  assert.is(ok(await s.api.post('/line-item?advertiser_id=5678', { 'line-item': { name: 'new', profile_id: other } }))['line-item'].profile_id, other);
  assertError(await s.api.del(`/profile?id=${mine}`), { status: 400, errorId: 'INTEGRITY', message: /used by line item 205/ });
  ok(await s.api.put('/line-item?id=205', { 'line-item': { profile_id: null } }));
  ok(await s.api.del(`/profile?id=${mine}`));
});

test('a profile cannot change advertiser; member_id of another member is UNAUTH', async () => {
  assertError(await put('?id=7206', { advertiser_id: 5678 }), { ...syntax, message: /cannot move to another advertiser/ });
  assertError(await s.api.get('/profile?member_id=1'), { status: 403, errorId: 'UNAUTH' });
});

test.run();
