/**
 * Running a registered command from a job, through the runner's full pipeline (authorisation,
 * per-release lock, StateBox task, audit): jobs never call command code directly.
 */
import type { CommandRegistry } from '../commands/registry.ts';
import type { RunResult, Runner } from '../commands/runner.ts';
import type { Actor, OutcomeLink } from '../commands/types.ts';

export interface CommandRunSummary {
  ok: boolean;
  summary: string;
  links?: OutcomeLink[];
  result: RunResult;
}

export async function runRegisteredCommand(
  deps: { runner: Pick<Runner, 'execute'>; registry: Pick<CommandRegistry, 'get'> },
  name: string,
  req: { release: string; options?: Record<string, unknown>; actor: Actor; signal?: AbortSignal },
): Promise<CommandRunSummary> {
  const command = deps.registry.get(name);
  if (!command) throw new Error(`${name} is not a registered command in this process`);
  const result = await deps.runner.execute({
    command,
    release: req.release,
    options: req.options ?? {},
    actor: req.actor,
    text: `${command.group} -r ${req.release} ${name}`,
    ...(req.signal ? { signal: req.signal } : {}),
  });
  switch (result.kind) {
    case 'done':
      return { ok: result.outcome.status !== 'fail', summary: result.outcome.summary, ...(result.outcome.links ? { links: result.outcome.links } : {}), result };
    case 'needs-confirmation':
      return { ok: false, summary: `${name} needs a confirmation and cannot run unattended`, result };
    default:
      return { ok: false, summary: result.message, result };
  }
}
