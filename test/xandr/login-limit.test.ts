import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { listSegments, XandrClient, type ClientEvent } from '../../src/xandr/index.js';
import { rejects } from '../helpers/assert.js';
import { drive, FakeClock } from '../helpers/fake-clock.js';
import { loginsIn, sandboxFixture } from '../helpers/sandbox.js';

/**
 * Xandr allows 10 logins per 5 minutes per user, shared with everyone using it. A login refused for that
 * limit waits for the window (saying so) instead of failing, up to a bound.
 */
const clock = new FakeClock(Date.UTC(2026, 11, 1));
const sb = sandboxFixture({ clock, limits: { logins: 1, loginWindowMs: 5 * 60_000 } });
const test = suite('the login limit');
test.before.each(sb.start);
test.after.each(sb.stop);

const client = (events: ClientEvent[], loginWaitMs?: number) =>
  new XandrClient({ apiUrl: sb.it.url, credentials: { username: 'sandbox', password: 'sandbox' }, clock, onEvent: (e) => events.push(e), loginWaitMs });

test('a login refused for the limit waits for the window, says so, and then logs in', async () => {
  const first = client([]);
  const events: ClientEvent[] = [];
  const second = client(events);
  try {
    await drive(clock, first.connect());
    const started = clock.now();
    const segments = await drive(clock, listSegments(second, { memberId: 958 }), 10_000);
    assert.ok(Array.isArray(segments));
    const wait = events.find((e) => e.type === 'wait');
    assert.equal(wait && wait.type === 'wait' ? wait.reason : null, 'login limit');
    assert.ok(clock.now() - started >= 5 * 60_000 - 10_000, 'it waited for the window');
    assert.is(loginsIn(sb.it.control.log()).filter((e) => e.status === 200).length, 2);
  } finally {
    await first.close();
    await second.close();
  }
});

test('past the bound the refusal stands, with a message that says what to do', async () => {
  const first = client([]);
  const second = client([], 60_000);
  try {
    await drive(clock, first.connect());
    await rejects(drive(clock, second.connect(), 10_000), /Xandr's login limit .* is still reached after waiting 1 min.*reuse a token/);
  } finally {
    await first.close();
    await second.close();
  }
});

test.run();
