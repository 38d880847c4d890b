import { Argument } from 'commander';
import { bashScript } from '../completion/bash.js';
import { fishScript } from '../completion/fish.js';
import { specFromCommander } from '../completion/spec.js';
import { zshScript } from '../completion/zsh.js';
import type { Register } from './types.js';

const SHELLS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

export const register: Register = (program) => {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish), generated from the commands and options')
    .addArgument(new Argument('<shell>', 'shell to complete for').choices(Object.keys(SHELLS)))
    .action((shell: keyof typeof SHELLS) => {
      // Read the tree when the command runs: every command is registered by then.
      process.stdout.write(SHELLS[shell](specFromCommander(program)));
    });
};
