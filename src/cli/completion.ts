import { Argument } from 'commander';
import type { Register } from './types.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

export const register: Register = (program) => {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish), generated from the commands and options')
    .addArgument(new Argument('<shell>', 'shell to complete for').choices(SHELLS))
    .action(async (shell: Shell) => {
      const [{ specFromCommander }, { bashScript }, { zshScript }, { fishScript }] = await Promise.all([
        import('./completion/spec.js'),
        import('./completion/bash.js'),
        import('./completion/zsh.js'),
        import('./completion/fish.js'),
      ]);
      // Read the tree when the command runs: every command is registered by then.
      const render = { bash: bashScript, zsh: zshScript, fish: fishScript }[shell];
      process.stdout.write(render(specFromCommander(program)));
    });
};
