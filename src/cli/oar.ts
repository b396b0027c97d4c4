import { runCli } from './main.ts';

process.exitCode = await runCli('oar', process.argv.slice(2));
