/**
 * zod, loaded the first time an option schema is built. Declarations give their options as
 * `(z) => z.object(...)` (`declareCommand`), so loading every declaration — `oar help`, the command
 * list — loads none of zod's ~95 modules, which were most of `oar help`'s start-up. Parsing,
 * completion, one command's help, validation and MCP's tool list read `decl.options`, which
 * builds the schema then (test/cli/light-help.test.ts).
 *
 * Synchronous on purpose: option schemas are read by synchronous code (the parser). Node 24 loads
 * an ES module synchronously with require() (require(esm)); zod's ESM entry is resolved with
 * import.meta.resolve, so this is the very module instance `import { z } from 'zod'` gives every
 * other file (not the package's CommonJS copy, whose schemas would be a second zod).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';

export type Zod = typeof z;

let zod: Zod | undefined;

export function loadZod(): Zod {
  zod ??= (createRequire(import.meta.url)(fileURLToPath(import.meta.resolve('zod'))) as { z: Zod }).z;
  return zod;
}
