/**
 * The front end takes Bolt's App and SocketModeReceiver from their own files, not from the package
 * index (which also loads the Express receiver: issue 22, footprint). They must stay the classes
 * Bolt exports, so that a Bolt upgrade that moves or replaces them fails here, not at startup.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as bolt from '@slack/bolt';

const require = createRequire(import.meta.url);

describe('Bolt entry files', () => {
  it('dist/App.js and dist/receivers/SocketModeReceiver.js hold the classes the package exports', () => {
    expect(require('@slack/bolt/dist/App.js').default).toBe(bolt.App);
    expect(require('@slack/bolt/dist/receivers/SocketModeReceiver.js').default).toBe(bolt.SocketModeReceiver);
  });
});
