import { runCli } from './main.ts';

process.exitCode = await runCli('oarctl', process.argv.slice(2));
