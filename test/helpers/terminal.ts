/** The terminal front end composed as src/cli/oar.ts composes it: the real engine and MCP server, loaded lazily. */
import type { CliOptions } from '../../src/cli/main.ts';

export const COMPOSITION: CliOptions = { engine: () => import('../../src/engine.ts'), mcp: () => import('../../src/mcp/index.ts') };
