import { runCli } from './main.ts';

const code = await runCli('oarctl', process.argv.slice(2));
// Shell completion must answer at once: do not wait for sockets a timed-out lookup left open.
if (process.argv[2] === '__complete') process.exit(code);
process.exitCode = code;
