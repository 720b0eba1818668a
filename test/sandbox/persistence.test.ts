import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../src/sandbox/index.js';
import { startChild } from './child.js';
import { Api, ok } from './helpers.js';

const test = suite('sandbox state file');
let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'xandr-sandbox-state-'));
});
test.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('the file is created at start (with its directory) and holds every acknowledged write', async () => {
  const path = join(dir, 'nested', 'sandbox.json');
  const sb = await startSandbox({ statePath: path });
  try {
    assert.equal(read(path).lineItems.map((li: any) => li.id), [205, 206, 501, 502, 503], 'fresh state on disk from the start');
    const api = new Api(sb.url);
    await api.login();
    const { id } = ok(await api.post('/segment', { segment: { short_name: 'durable', code: 'durable' } }));
    assert.equal(read(path).segments.map((x: any) => x.id), [id], 'written before the answer was sent');
    assert.is(statSync(path).mode & 0o777, 0o600, 'readable by its owner only: the change log holds session ids');
    ok(await api.del(`/segment?id=${id}`));
    assert.equal(read(path).segments, [], 'deletes too');
  } finally {
    await sb.close();
  }
  assert.equal(readdirSync(join(dir, 'nested')), ['sandbox.json'], 'no temp files are left behind');
});

test('a restart with the same file continues where it left off, sequences included', async () => {
  const path = join(dir, 'sandbox.json');
  const first = await startSandbox({ statePath: path });
  const api = new Api(first.url);
  await api.login();
  ok(await api.post('/segment', { segment: { short_name: 'one' } }));
  ok(await api.put('/line-item?id=206', { 'line-item': { name: 'renamed' } }));
  await first.close();

  const second = await startSandbox({ statePath: path });
  try {
    const again = new Api(second.url);
    await again.login();
    assert.is(ok(await again.get('/segment?id=1000001')).segments[0].short_name, 'one');
    assert.is(ok(await again.get('/line-item?id=206'))['line-items'][0].name, 'renamed');
    assert.is(ok(await again.post('/segment', { segment: { short_name: 'two' } })).id, 1000002);
    await second.control.reset();
    assert.equal(read(path).segments, [], 'a reset is written too');
  } finally {
    await second.close();
  }
});

test('a version-1 file (before profiles and the change log) is read, and written back as version 2', async () => {
  const path = join(dir, 'v1.json');
  const v1 = {
    format: 'xandr-sync-sandbox',
    version: 1,
    sequences: { segment: 1000005, pixel: 12345, lineItem: 9001 },
    members: [{ id: 958, name: 'Sandbox Member', state: 'active' }],
    advertisers: [{ id: 1234, member_id: 958, name: 'Old', code: null, state: 'active' }],
    segments: [{ id: 1000004, member_id: 958, advertiser_id: null, code: 'old', short_name: 'Old segment' }],
    pixels: [],
    lineItems: [{ id: 205, member_id: 958, advertiser_id: 1234, code: null, name: 'Old line item', line_item_type: 'standard_v1', revenue_type: 'cpa', pixels: null }],
  };
  writeFileSync(path, JSON.stringify(v1));
  const sb = await startSandbox({ statePath: path });
  try {
    const api = new Api(sb.url);
    await api.login();
    assert.is(ok(await api.get('/segment?code=old')).segments[0].id, 1000004);
    assert.equal(ok(await api.get('/profile')).profiles, []);
    assert.is(ok(await api.post('/profile?advertiser_id=1234', { profile: {} })).id, 8001, 'the profile sequence starts fresh');
    const saved = read(path);
    assert.equal([saved.version, saved.profiles.length, saved.sequences.segment], [2, 1, 1000005]);
    await sb.control.load(v1 as never);
    assert.equal(sb.control.snapshot().profiles, [], 'the control endpoint takes version 1 too');
  } finally {
    await sb.close();
  }
  writeFileSync(path, JSON.stringify({ ...v1, version: 3 }));
  try {
    await startSandbox({ statePath: path });
    assert.unreachable('version 3 is not a format this sandbox knows');
  } catch (error) {
    assert.match((error as Error).message, /unsupported 'version' 3 \(this sandbox reads versions 1 and 2\)/);
  }
});

test('a corrupt or foreign file is a clear error naming the file', async () => {
  const path = join(dir, 'broken.json');
  writeFileSync(path, '{"format": "xandr-sync-sandbox", "segments": [');
  try {
    await startSandbox({ statePath: path });
    assert.unreachable('should have refused the file');
  } catch (error) {
    assert.match((error as Error).message, `sandbox state file ${path} is corrupt`);
    assert.is((error as { code?: string }).code, 'SANDBOX_STATE');
  }
  writeFileSync(path, '{"hello": "world"}');
  try {
    await startSandbox({ statePath: path });
    assert.unreachable('should have refused the file');
  } catch (error) {
    assert.match((error as Error).message, /is not a sandbox state: 'format'/);
  }
});

test('killed with SIGKILL in the middle of writes: the file parses and holds every acknowledged write', async () => {
  const path = join(dir, 'killed.json');
  const child = await startChild(['--state', path, '--write-limit', '100000']);
  const api = new Api(child.url);
  await api.login();
  const acknowledged: number[] = [];
  const writers = Array.from({ length: 4 }, async (_, w) => {
    for (let i = 0; ; i++) {
      try {
        const reply = await api.post('/segment', { segment: { short_name: `w${w}-${i}` } });
        if (reply.status === 200) acknowledged.push(reply.body.response.id);
      } catch {
        return; // the process is gone
      }
    }
  });
  while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 5));
  child.process.kill('SIGKILL');
  await Promise.all(writers);
  await child.exited;
  const saved = new Set(read(path).segments.map((x: any) => x.id));
  const missing = acknowledged.filter((id) => !saved.has(id));
  assert.equal(missing, [], 'every acknowledged write is in the file');
});

test.run();
