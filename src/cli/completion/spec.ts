import type { Command, Option } from 'commander';

/**
 * The command tree that shell completions are generated from, read from commander's
 * own commands, options and arguments so the completions never drift from the CLI.
 */
export interface CompletionOption {
  /** `['-f', '--format']` */
  flags: string[];
  description: string;
  /** The next word is this option's value (`--format json`); false for `--fix [tier]`, whose value is optional. */
  takesValue: boolean;
  /** Fixed values (`text`, `json`); empty: any word, completed as a file name. */
  choices: string[];
}

export interface CompletionCommand {
  /** `[]` for the program itself, `['policy', 'init']` for a subcommand. */
  path: string[];
  description: string;
  subcommands: { name: string; description: string }[];
  options: CompletionOption[];
  /** Fixed values for each positional argument, by position (empty: files). */
  argChoices: string[][];
}

export interface CompletionSpec {
  program: string;
  commands: CompletionCommand[];
}

export function specFromCommander(program: Command): CompletionSpec {
  const commands: CompletionCommand[] = [];
  // commander's Help lists what `--help` shows: hidden ones left out, --help and the help command put in.
  const visit = (cmd: Command, path: string[]): void => {
    const help = cmd.createHelp();
    const subcommands = help.visibleCommands(cmd);
    commands.push({
      path,
      description: cmd.description(),
      subcommands: subcommands.map((c) => ({ name: c.name(), description: c.description() })),
      // Global options (--quiet, --verbose) work after any command name, and its help lists them.
      options: [...help.visibleOptions(cmd), ...(help.showGlobalOptions ? help.visibleGlobalOptions(cmd) : [])].map(optionOf),
      argChoices: cmd.registeredArguments.map((a) => [...(a.argChoices ?? [])]),
    });
    for (const c of subcommands) if (c.name() !== 'help') visit(c, [...path, c.name()]);
  };
  visit(program, []);
  return { program: program.name(), commands };
}

function optionOf(o: Option): CompletionOption {
  return {
    flags: [o.short, o.long].filter((f): f is string => !!f),
    description: o.description,
    takesValue: o.required,
    choices: [...(o.argChoices ?? [])],
  };
}
