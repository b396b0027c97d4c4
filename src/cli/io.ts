/** What the terminal front end reads and writes: the process's streams, or a test's. */
import { isatty } from 'node:tty';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  /** Ask a yes/no question (interactive confirmation). */
  ask?: (question: string) => Promise<string>;
  /** Terminal width for help text (default 80). */
  columns?: number;
  /** Working directory, where `--playground` looks for ./data (default process.cwd()). */
  cwd?: string;
  /** How long shell completion waits for live releases (default COMPLETION_TIMEOUT_MS). */
  completionTimeoutMs?: number;
  /** Stops following a watch (`--wait`); default: Ctrl-C. */
  signal?: AbortSignal;
}

/** The process's own terminal. */
export function terminalIO(): CliIO {
  return {
    stdout: (s) => process.stdout.write(`${s}\n`),
    stderr: (s) => process.stderr.write(`${s}\n`),
    env: process.env,
    // isatty, not process.stdin.isTTY: reading process.stdin opens the stream (and loads its modules) for a prompt most runs never show.
    isTTY: isatty(0) && isatty(1),
    columns: process.stdout.columns,
    ask: async (q) => {
      // readline (and the stream modules under it) only when there is a question to ask.
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(q);
      } finally {
        rl.close();
      }
    },
  };
}
