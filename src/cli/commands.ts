import type { Register } from './types.js';
import { register as registerPrefetch } from './prefetch.js';
import { register as registerVerifyCommit } from './verify-commit.js';
import { register as registerPolicy } from './policy.js';
import { register as registerScan } from './scan.js';
import { register as registerRules } from './rules.js';
import { register as registerExplain } from './explain.js';
import { register as registerPins } from './pins.js';
import { register as registerPin } from './pin.js';
import { register as registerData } from './data.js';
import { register as registerStagex } from './stagex.js';
import { register as registerVerify } from './verify.js';
import { register as registerSign } from './sign.js';
import { register as registerMigrate } from './migrate.js';
import { register as registerCompletion } from './completion.js';

/** Each command file exports a `register(program, setExitCode)` (cli/types.ts); list it here. */
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
  registerStagex,
  registerVerify,
  registerSign,
  registerMigrate,
  registerCompletion,
];
