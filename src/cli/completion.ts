/**
 * Shell completion for oar, oarctl and jobctl. `<cli> completion bash|zsh|fish` prints a script;
 * the script asks the CLI itself (`<cli> __complete <words…>`, hidden) for candidates each time Tab
 * is pressed, so commands and options are always the installed ones and releases are live (fetched
 * from the StateBox backend by the caller, with a short timeout).
 */
import { describeOptions } from '../commands/options.ts';
import type { CommandRegistry } from '../commands/registry.ts';
import type { CommandGroup } from '../commands/types.ts';
import { terminalCommandsOf } from './help.ts';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];
const CLIS: CommandGroup[] = ['oar', 'oarctl', 'jobctl'];

const GLOBAL = ['--release', '-r', '--debug', '-v', '--version', '-V', '--help', '-h', '--playground'];

export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return [
        '# oar-bot completion for bash: source <(npx oar completion bash)',
        '_oar_bot_complete() {',
        '  local IFS=$\'\\n\'',
        '  COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))',
        '}',
        `complete -o default -F _oar_bot_complete ${CLIS.join(' ')}`,
        '',
      ].join('\n');
    case 'zsh':
      return [
        `#compdef ${CLIS.join(' ')}`,
        '# oar-bot completion for zsh: npx oar completion zsh > "${fpath[1]}/_oar"',
        '_oar_bot_complete() {',
        '  local -a candidates',
        '  candidates=("${(@f)$("${words[1]}" __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")',
        '  compadd -a candidates',
        '}',
        `compdef _oar_bot_complete ${CLIS.join(' ')}`,
        '',
      ].join('\n');
    case 'fish':
      return [
        '# oar-bot completion for fish: npx oar completion fish > ~/.config/fish/completions/oar.fish',
        ...CLIS.map((c) => `complete -c ${c} -f -a '(${c} __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'`),
        '',
      ].join('\n');
  }
}

export interface CompletionSources {
  /** Releases for -r (active releases; y-streams for oarctl/jobctl). Errors and timeouts give none. */
  releases: () => Promise<string[]>;
}

/** Candidates for the last word of `words` (the words after the CLI's name; the last may be ''). */
export async function completeWords(group: CommandGroup, registry: CommandRegistry, words: string[], sources: CompletionSources): Promise<string[]> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const prev = before.at(-1);
  const commands = registry.list().filter((d) => d.name !== 'help' && d.group === group);
  const names = [...commands.map((d) => d.name), ...terminalCommandsOf(group).map((c) => c.name), 'help'];
  const starts = (xs: string[]) => xs.filter((x) => x.startsWith(current));

  if (prev === '-r' || prev === '--release') return starts(await sources.releases());
  // The command: the first word that is not an option or an option's value.
  let command: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const w = before[i]!;
    if (w === '-r' || w === '--release') i++;
    else if (!w.startsWith('-')) {
      command = w;
      break;
    }
  }
  if (command === undefined) return current.startsWith('-') ? starts(GLOBAL) : starts(names);
  if (command === 'help') return before.at(-1) === 'help' ? starts(names.filter((n) => n !== 'help')) : [];
  if (command === 'completion') return before.at(-1) === 'completion' ? starts([...SHELLS]) : [];
  const def = registry.get(command);
  if (!def) return [];
  const options = describeOptions(def);
  const option = options.find((o) => o.flag === prev || o.aliases.some((a) => `-${a}` === prev));
  if (option && option.kind !== 'boolean') return starts(option.choices ?? []);
  if (current.startsWith('-')) return starts([...options.map((o) => o.flag), '--release', '--help', ...(def.safety === 'critical' ? ['--yes'] : [])]);
  return [];
}
