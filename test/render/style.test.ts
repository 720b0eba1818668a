import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { wantsColour } from '../../src/render/style.js';

const test = suite('colour rules (DESIGN.md section 4)');
const tty = { isTTY: true };
const pipe = { isTTY: false };

test('colour on a terminal, plain text in a pipe or a file', () => {
  assert.is(wantsColour(tty, {}), true);
  assert.is(wantsColour(pipe, {}), false);
});

test('never with NO_COLOR, always with FORCE_COLOR (which wins when both are set, as in Node)', () => {
  assert.is(wantsColour(tty, { NO_COLOR: '1' }), false);
  assert.is(wantsColour(pipe, { FORCE_COLOR: '1' }), true);
  assert.is(wantsColour(pipe, { FORCE_COLOR: '0' }), false);
  assert.is(wantsColour(tty, { NO_COLOR: '1', FORCE_COLOR: '1' }), true);
  assert.is(wantsColour(tty, { TERM: 'dumb' }), false);
});

test.run();
