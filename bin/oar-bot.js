#!/usr/bin/env node
// `npm start` and the container's command: the bot (src/main.ts). A JavaScript entry turns Node's
// compile cache on before the first TypeScript file loads; with a warm cache no file is stripped
// and Node never instantiates its TypeScript stripper (a WebAssembly module, ~17 MB resident and
// 60-200 ms at every start; issue 22: footprint). `node src/main.ts` still works, without that saving.
import { enableCompileCache } from 'node:module';

enableCompileCache?.();
await import('../src/main.ts');
