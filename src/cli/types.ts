import type { Command } from 'commander';

/**
 * Each command file exports a `register(program, setExitCode)`, listed in commands.ts.
 * setExitCode lets a command report findings (1) without throwing.
 */
export type Register = (program: Command, setExitCode: (code: number) => void) => void;
