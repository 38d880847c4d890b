import fs from 'node:fs';
import { Option } from 'commander';
import { UserError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import { PROFILE_NAMES, type ProfileName } from '../rules/profiles.js';
import { SEVERITIES, type Severity } from '../rules/types.js';
import { parseSize, positiveInt } from './flags.js';
import type { Register } from './types.js';
import { detail, note } from './output.js';

interface ScanFlags {
  format: ReportFormat;
  output?: string;
  minSeverity?: Severity;
  config?: string | false;
  jobs?: number;
  /** Unset: the config's scan.profile, else regular. */
  profile?: ProfileName;
  staleDays?: number;
  /** `--fix` alone is true; `--fix X` is X, which may be a path commander took for the tier (see fixRequest). */
  fix?: string | true;
  diff?: boolean;
  maxFileSize?: number;
  context?: string;
}

/**
 * The fix tier, and the paths to scan. `--fix [tier]` has an optional value, so in `scan --fix hosts/`
 * commander hands `hosts/` to --fix; a value that is not a tier but exists on disk is therefore a path
 * (tier safe). `safe` and `unsafe` always mean the tier: write `./unsafe` for a directory of that name.
 */
function fixRequest(fix: string | true | undefined, paths: string[]): { mode?: 'safe' | 'unsafe'; paths: string[] } {
  if (fix === undefined) return { paths };
  if (fix === true || fix === 'safe') return { mode: 'safe', paths };
  if (fix === 'unsafe') return { mode: 'unsafe', paths };
  if (fs.existsSync(fix)) return { mode: 'safe', paths: [fix, ...paths] };
  throw new UserError(`--fix takes safe or unsafe (or nothing, before a path); "${fix}" is neither a tier nor an existing path`);
}

/** Notes on stderr (not with --quiet): `warning: …`, fixes not applied, what a --diff did. */
const warn = note;

export const register: Register = (program, setExitCode) => {
  program
    .command('scan')
    .description('scan Nix files, nix.conf, flake.lock and sources.json for supply-chain risks')
    .argument('[paths...]', 'files or directories to scan (required; `--fix DIR` may supply one)')
    .usage('[options] <paths...>')
    .addOption(new Option('-f, --format <format>', 'output format (default text)').choices([...REPORT_FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to FILE (atomically) instead of stdout')
    .addOption(
      new Option('--profile <name>', 'which findings show: regular, pedantic or auditor (see docs/profiles.md; default: [scan] profile, else regular)').choices([...PROFILE_NAMES]),
    )
    .addOption(new Option('--min-severity <level>', "report only findings at or above LEVEL (overrides the profile's floor)").choices([...SEVERITIES]))
    .option('--stale-days <n>', 'locked revisions older than N days are stale (default 30, or [options] staleDays)', positiveInt)
    .option('--fix [tier]', 'apply fixes: safe (default) or unsafe (also behaviour-changing fixes, each saying why)')
    .option('--diff', 'print the fixes as a unified diff and write nothing (tier from --fix, default safe)')
    .option('--config <file>', 'use this config file instead of discovering .nixharden.toml')
    .option('--no-config', 'ignore any .nixharden.toml')
    .option('-j, --jobs <n>', 'worker threads for parsing (default CPU count)', positiveInt)
    .option('--max-file-size <bytes>', 'skip (and report) files larger than this; K, M, G suffixes (default 8M)', parseSize)
    .option('--context <dir>', 'read every file under DIR for context but report only findings in the named files, ignoring names nixharden does not scan (the pre-commit hook)')
    .action(async (args: string[], flags: ScanFlags) => {
      const { mode: fixMode, paths } = fixRequest(flags.fix, args);
      // The argument is optional only so that `--fix DIR` can supply it; some path is still required.
      if (paths.length === 0) throw new UserError('missing paths to scan (nixharden scan [options] <paths...>)');
      const [{ runScan }, { renderReport, shouldColor }, { writeFileAtomic }] = await Promise.all([
        import('../app/scan.js'),
        import('../report/index.js'),
        import('../core/fs.js'),
      ]);
      const { result, plan, exitCode } = await runScan({
        paths,
        configFile: typeof flags.config === 'string' ? flags.config : undefined,
        noConfig: flags.config === false,
        minSeverity: flags.minSeverity,
        ...(flags.profile ? { profile: flags.profile } : {}),
        defaultProfile: 'regular',
        ...(flags.staleDays ? { staleDays: flags.staleDays } : {}),
        jobs: flags.jobs,
        ...(flags.maxFileSize ? { maxFileSize: flags.maxFileSize } : {}),
        toolVersion: VERSION,
        ...(fixMode ? { fix: fixMode } : {}),
        diffOnly: flags.diff === true,
        ...(flags.context !== undefined ? { context: flags.context } : {}),
      });
      detail(`scanned ${result.files.length} file${result.files.length === 1 ? '' : 's'}${result.configFile ? ` with ${result.configFile}` : ''}: ${result.files.map((f) => f.file).join(', ')}`);
      // Expired ignores, skipped files and rule errors are warnings on stderr in every format.
      for (const n of result.notes) warn(`warning: ${n.where ? `${n.where}: ` : ''}${n.message}`);
      if (plan) {
        for (const { finding, status } of plan.fixed) {
          const where = `${finding.span.file}:${finding.span.startLine} ${finding.ruleId}`;
          if (status.state === 'refused' || status.state === 'conflict') warn(`fix not applied: ${where}: ${status.reason}`);
          else if (status.tier === 'unsafe') warn(`unsafe fix ${status.state === 'applied' ? 'applied' : 'planned'}: ${where}: ${status.description}`);
        }
      }
      if (flags.diff && plan) {
        process.stdout.write(plan.files.map((f) => f.diff).join(''));
        const n = plan.fixed.filter((x) => x.status.state === 'planned').length;
        warn(`${n} fix${n === 1 ? '' : 'es'} shown, nothing written`);
        setExitCode(exitCode);
        return;
      }
      const color = !flags.output && flags.format === 'text' && shouldColor(process.stdout);
      const report = renderReport(result, flags.format, { color });
      if (flags.output) await writeFileAtomic(flags.output, report);
      else process.stdout.write(report);
      setExitCode(exitCode);
    });
};
