import { strict as assert } from 'node:assert';
import packageJson from '../package.json';
import { NODE_FLAGS } from '../src/runtimeFlags';

describe('runtime flags', () => {
  it('npm start runs the bot with the same flags the load bench uses', () => {
    const start = packageJson.scripts.start;
    assert.ok(NODE_FLAGS.length > 0);
    for (const flag of NODE_FLAGS) assert.ok(start.includes(` ${flag} `), `${flag} missing from "${start}"`);
  });
});
