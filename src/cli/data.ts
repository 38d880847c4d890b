import fs from 'node:fs';
import { UserError } from '../core/errors.js';
import { describeFsError } from '../core/fs.js';
import type { Register } from './types.js';

interface BranchFlags {
  set?: string;
  asOf?: string;
  from?: string;
}

export const register: Register = (program, setExitCode) => {
  const data = program.command('data').description('show or update the data nixharden embeds (supported nixpkgs branches)');
  data
    .command('branches')
    .description('show the supported nixpkgs releases that NH020 checks against, or replace them')
    .option('--set <releases>', 'comma-separated releases (YY.05 or YY.11) that are supported now, e.g. 26.05,26.11')
    .option('--as-of <date>', 'date of the list given with --set (default today)')
    .option('--from <file>', 'read the list from a JSON file {"asOf": "YYYY-MM-DD", "releases": ["YY.05", …]}')
    .action(async (flags: BranchFlags) => {
      if (flags.set !== undefined && flags.from !== undefined) throw new UserError('use either --set or --from, not both');
      if (flags.asOf !== undefined && flags.set === undefined) throw new UserError('--as-of dates a list given with --set');
      const { asOfProblem, branchListOf, loadBranchList, parseBranchList, saveBranchList } = await import('../data/branch-store.js');
      if (flags.set !== undefined || flags.from !== undefined) {
        const asOfError = flags.asOf === undefined ? undefined : asOfProblem(flags.asOf);
        if (asOfError) throw new UserError(asOfError, undefined, '--as-of');
        const list = flags.from
          ? parseBranchList(readOrFail(flags.from), flags.from)
          : branchListOf(flags.set!.split(',').map((s) => s.trim()).filter(Boolean), flags.asOf ?? new Date().toISOString().slice(0, 10), '--set');
        const file = await saveBranchList(list);
        process.stdout.write(`supported nixpkgs releases as of ${list.asOf}: ${list.releases.join(', ')}\nwritten to ${file}\n`);
      } else {
        const list = loadBranchList();
        process.stdout.write(`supported nixpkgs releases as of ${list.asOf}: ${list.releases.join(', ')} (${list.source === 'embedded' ? 'embedded list' : list.source})\n`);
      }
      setExitCode(0);
    });
};

function readOrFail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(describeFsError(e), undefined, file);
  }
}
