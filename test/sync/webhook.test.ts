import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseWebhookUrl, Webhook } from '../../src/sync/webhook.js';
import { rejects } from '../helpers/assert.js';
import { startFakeWebhook, type FakeWebhook } from './fake-webhook.js';

const test = suite('webhook');
let hook: FakeWebhook;

test.before.each(async () => {
  hook = await startFakeWebhook();
});
test.after.each(() => hook.close());

test('https anywhere, plain http only to this machine; the display form hides the secret path', () => {
  assert.is(parseWebhookUrl('https://hooks.slack.com/services/T0/B0/abc').display, 'https://hooks.slack.com');
  assert.is(parseWebhookUrl('http://127.0.0.1:8080/hook').display, 'http://127.0.0.1:8080');
  assert.is(parseWebhookUrl('http://[::1]:8080/hook').display, 'http://[::1]:8080');
  assert.throws(() => parseWebhookUrl('http://hooks.example.com/x'), /refusing plain http/);
  assert.throws(() => parseWebhookUrl('ftp://hooks.example.com/x'), /must use https/);
  assert.throws(() => parseWebhookUrl('not a url'), /not a valid URL/);
});

test('posts the Slack JSON shape', async () => {
  const webhook = new Webhook(parseWebhookUrl(hook.url));
  try {
    await webhook.post({ event: 'drift', text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }] });
  } finally {
    await webhook.close();
  }
  assert.equal(hook.posts, [{ text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }] }]);
});

test('a refusal is an error naming only the origin, never the secret path', async () => {
  hook.status = 404;
  const webhook = new Webhook(parseWebhookUrl(hook.url));
  try {
    const error = await rejects(webhook.post({ event: 'failure', text: 'x', blocks: [] }), /answered HTTP 404/);
    assert.not.match(error.message, /secretpath123/);
  } finally {
    await webhook.close();
  }
});

test('an unreachable receiver is an error, not a hang or a crash', async () => {
  const url = hook.url;
  await hook.close();
  const webhook = new Webhook(parseWebhookUrl(url));
  try {
    const error = await rejects(webhook.post({ event: 'failure', text: 'x', blocks: [] }), /ECONNREFUSED/);
    assert.not.match(error.message, /secretpath123/);
  } finally {
    await webhook.close();
  }
  hook = await startFakeWebhook();
});

test('the redactor runs over the body: a secret that slipped into a message never leaves', async () => {
  const webhook = new Webhook(parseWebhookUrl(hook.url), (text) => text.split('hunter2secret').join('***'));
  try {
    await webhook.post({ event: 'failure', text: 'login failed for hunter2secret', blocks: [] });
  } finally {
    await webhook.close();
  }
  assert.not.match(hook.raw[0]!, /hunter2secret/);
  assert.is(hook.posts[0].text, 'login failed for ***');
});

test.run();
