import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeHtml, href, html } from '../../src/dashboard/html.js';

const test = suite('the dashboard escape');

test('every interpolated value is escaped, in content and in attributes; nested html is kept', () => {
  const name = `<img src=x onerror="alert('1')"> & co`;
  const out = html`<a title="${name}" href="${href(['objects', `Segment/${name}`])}">${name}</a>${html`<b>${name}</b>`}`.toString();
  assert.is(
    out,
    '<a title="&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co" href="/objects/Segment%2F%3Cimg%20src%3Dx%20onerror%3D%22alert(&#39;1&#39;)%22%3E%20%26%20co">&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co</a><b>&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co</b>',
  );
});

test('hidden and control characters are shown, never passed on', () => {
  assert.is(escapeHtml('abc\u202eexe.gnp\u0000\n'), 'abc\\u202eexe.gnp\\u0000\\u000a');
  assert.is(escapeHtml('::warning::'), '::warning::', 'no workflow-command escape in HTML');
});

test('lists, numbers and nothing', () => {
  assert.is(html`${[1, '<', null, undefined, false, html`<i></i>`]}`.toString(), '1&lt;<i></i>');
});

test('links stay inside the dashboard, with their parts encoded', () => {
  assert.is(href([]), '/');
  assert.is(href(['objects'], { kind: 'Segment', status: null, q: '' }), '/objects?kind=Segment');
  assert.is(href(['objects', 'javascript:alert(1)']), '/objects/javascript%3Aalert(1)');
  assert.is(href(['objects', '../../etc']), '/objects/..%2F..%2Fetc');
});

test.run();
