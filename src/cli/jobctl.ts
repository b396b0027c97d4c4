import { runCli } from './main.ts';

process.exitCode = await runCli('jobctl', process.argv.slice(2));
