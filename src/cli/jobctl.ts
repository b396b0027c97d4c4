import { terminalIO } from './io.ts';
import { runCli } from './main.ts';

// The composition: the engine and the MCP server, loaded only when a command needs them.
const code = await runCli('jobctl', process.argv.slice(2), terminalIO(), { engine: () => import('../engine.ts'), mcp: () => import('../mcp/index.ts') });
// Shell completion must answer at once: do not wait for sockets a timed-out lookup left open.
if (process.argv[2] === '__complete') process.exit(code);
process.exitCode = code;
