import type { Command } from 'commander';
import { register as registerPrefetch } from './prefetch.js';
import { register as registerVerifyCommit } from './verify-commit.js';
import { register as registerPolicy } from './policy.js';
import { register as registerScan } from './scan.js';
import { register as registerRules } from './rules.js';
import { register as registerExplain } from './explain.js';
import { register as registerPins } from './pins.js';
import { register as registerPin } from './pin.js';
import { register as registerData } from './data.js';

/**
 * Each command file exports a `register(program, setExitCode)`; list it here.
 * setExitCode lets a command report findings (1) without throwing.
 */
export type Register = (program: Command, setExitCode: (code: number) => void) => void;

export const commands: Register[] = [
  registerPrefetch,
  registerVerifyCommit,
  registerPolicy,
  registerScan,
  registerRules,
  registerExplain,
  registerPins,
  registerPin,
  registerData,
];
