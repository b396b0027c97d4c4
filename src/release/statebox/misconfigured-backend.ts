/**
 * The StateBox of a production bot whose backend was not chosen (Slack tokens set, no
 * GITHUB_TOKEN, no explicit OAR_STATEBOX_DIR): every read and write is refused with the reason, so
 * no command records progress (or announces a StateBox) that nobody else can see. The startup
 * report and /health say the same thing (config/report.ts `stateboxChoice`).
 */
import type { StateBoxBackend, StoredStateBox } from './backend.ts';
import { StateBoxError } from './errors.ts';

export class MisconfiguredStateBoxBackend implements StateBoxBackend {
  readonly kind = 'misconfigured' as const;
  readonly description: string;
  readonly #problem: string;

  constructor(problem: string) {
    this.#problem = problem;
    this.description = `not configured (${problem})`;
  }

  location(): string {
    return 'StateBox (not configured)';
  }

  read(release: string): Promise<StoredStateBox | null> {
    return Promise.reject(new StateBoxError('storage', this.#problem, { release }));
  }

  write(release: string): Promise<{ version: string }> {
    return Promise.reject(new StateBoxError('storage', this.#problem, { release }));
  }
}
