/** `npm start` without Slack tokens: the local playground, running until Ctrl-C. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startPlayground } from './sandbox/playground/index.ts';

export async function runPlayground(): Promise<void> {
  // A fresh demo world on every start, kept under the data directory (not a hidden temp dir).
  const dir = join(process.env.OAR_DATA_DIR ?? './data', 'playground');
  rmSync(dir, { recursive: true, force: true });
  const pg = await startPlayground({ baseEnv: process.env, dir, env: { OAR_HTTP_PORT: process.env.OAR_HTTP_PORT ?? '8080' } });
  const examples = [
    '/oar 4.19.1 take-ownership -e qe-lead@example.com',
    'oar -r 4.19.10 release-status',
    '/oar 4.19.1 change-advisory-status   (critical: confirm in the modal)',
  ];
  process.stderr.write(
    [
      '',
      `oar-bot playground: open ${pg.url}`,
      `health: ${pg.app.http.url}/health   metrics: ${pg.app.http.url}/metrics   mcp: ${pg.app.http.url}/mcp`,
      'Try, as Rita Lead (switch to Victor Viewer to see authorization):',
      ...examples.map((e) => `  ${e}`),
      'No Slack workspace and no Red Hat service is used: everything runs against simulated services on 127.0.0.1.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`\n${signal}: stopping the playground…\n`);
    void pg.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
