import { Command, CommanderError, Option } from 'commander';
import { ExitCode, UserError } from '../core/errors.js';
import { escapeControl } from '../core/escape.js';
import { commands } from './commands.js';
import { VERSION } from '../core/version.js';
import { setOutputMode, type OutputMode } from './output.js';

/**
 * Entry point: wires commander and turns errors into one line and an exit code.
 * Each command lives in its own file under src/cli/ and registers itself via commands.ts.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = createProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    return reportError(err);
  }
  return exitCode;
}

/** The root command with every command registered (main, and tests that read the command tree). */
export function createProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('nixharden')
    .description('Harden Nix configurations against supply-chain attacks')
    .version(VERSION)
    // The same two habits on every command, read once here (output.ts applies them).
    .addOption(new Option('-q, --quiet', 'no progress and no warnings on stderr (errors still print)').conflicts('verbose'))
    .addOption(new Option('-v, --verbose', 'extra detail on stderr: which files, commits and URLs'))
    .hook('preAction', (_root, command) => setOutputMode(command.optsWithGlobals<Partial<OutputMode>>()))
    .exitOverride()
    // A usage error is one line, like every other error: commander's text without its
    // "error: " prefix, and a pointer to --help instead of the whole help.
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`nixharden: ${escapeControl(s.replace(/^error: /, '').trim())} (see --help)\n`),
    })
    // Defaults are written into each description by hand, where they read as sentences;
    // commander's own "(default …)" would repeat them, or show internals like `[]`.
    .configureHelp({ optionDescription: describeWithChoices, argumentDescription: describeWithChoices, showGlobalOptions: true });
  for (const register of commands) register(program, setExitCode);
  return program;
}

function describeWithChoices(o: { description: string; argChoices?: readonly string[] }): string {
  return o.argChoices ? `${o.description} (choices: ${o.argChoices.join(', ')})` : o.description;
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version exit 0; everything else commander rejects is a usage error.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.Ok;
    return ExitCode.Usage;
  }
  if (err instanceof UserError) {
    process.stderr.write(`nixharden: ${escapeControl(err.toOneLine())}\n`);
    return err.exitCode;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && 'path' in e) {
    process.stderr.write(`nixharden: ${escapeControl(`${e.path}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`)}\n`);
    return ExitCode.Usage;
  }
  // A bug: still one line by default; NIXHARDEN_DEBUG=1 shows the stack.
  process.stderr.write(`nixharden: internal error: ${escapeControl(e?.message ?? String(err))}\n`);
  if (process.env.NIXHARDEN_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  return 3;
}


