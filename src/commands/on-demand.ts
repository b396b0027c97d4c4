/**
 * The packages of option handling, loaded on their first use rather than at import: `oar help`
 * loads every command declaration, the registry and the parser, and needs neither zod (~95
 * modules) nor yargs-parser (5 modules, and node:util's whole namespace with it). Together they
 * were most of its cold start (issue 22; test/cli/light-help.test.ts keeps them off that path).
 *
 * - zod builds the option schemas: declarations give `options: (z) => z.object(...)`, which
 *   `declareCommand` calls on the first read of `options` (parsing, one command's help,
 *   validation, MCP's tool list).
 * - yargs-parser splits a command's flags (`parseOptions`) and the global flags before a command
 *   name (`CommandParser`, which needs none when the first word is the command).
 *
 * Synchronous on purpose: the parser and the schema getters are synchronous. Node 24 loads an ES
 * module synchronously with require() (require(esm)); the package's ESM entry is resolved with
 * import.meta.resolve, so this is the very module instance `import ... from '<package>'` gives
 * every other file (for zod, not its CommonJS copy, whose schemas would be a second zod). The one
 * thing require(esm) cannot do is take a module that an import() is loading at that very moment
 * (ERR_REQUIRE_ESM_RACE_CONDITION): read options before starting, or after awaiting, a dynamic
 * import of a module that uses zod — as the front ends do (the terminal parses, then imports the
 * engine; the bot and MCP import zod statically).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import type yargsParser from 'yargs-parser';

export type Zod = typeof z;
export type YargsParser = typeof yargsParser;

const requireEsm = (specifier: string): unknown => createRequire(import.meta.url)(fileURLToPath(import.meta.resolve(specifier)));

let zod: Zod | undefined;
let yargs: YargsParser | undefined;

export function loadZod(): Zod {
  zod ??= (requireEsm('zod') as { z: Zod }).z;
  return zod;
}

export function loadYargsParser(): YargsParser {
  // yargs-parser names its default export 'module.exports': require() answers the parser function itself.
  yargs ??= requireEsm('yargs-parser') as YargsParser;
  return yargs;
}
