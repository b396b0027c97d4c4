#!/usr/bin/env node
// Runs on the Node 24 pinned by the project (node_modules/.bin/node comes first on PATH under npm/npx).
// The compile cache (Node's own, in the temp directory) keeps terminal start-up short; where
// it cannot be written Node simply runs without it.
import { enableCompileCache } from 'node:module';

enableCompileCache?.();
await import('../src/cli/oar.ts');
