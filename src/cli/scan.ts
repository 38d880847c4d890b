import { InvalidArgumentError, Option } from 'commander';
import { ExitCode } from '../core/errors.js';
import { REPORT_FORMATS, renderReport, shouldColor, type ReportFormat } from '../report/index.js';
import { writeFileAtomic } from '../report/write-atomic.js';
import { analyzePaths } from '../rules/analyze.js';
import { SEVERITIES, type Severity } from '../rules/types.js';
import type { Register } from './commands.js';
import { VERSION } from './main.js';

interface ScanFlags {
  format: ReportFormat;
  output?: string;
  minSeverity?: Severity;
  config?: string | false;
  jobs?: number;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

export const register: Register = (program, setExitCode) => {
  program
    .command('scan')
    .description('scan Nix files, nix.conf, flake.lock and sources.json for supply-chain risks')
    .argument('<paths...>', 'files or directories to scan')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...REPORT_FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to FILE (atomically) instead of stdout')
    .addOption(new Option('--min-severity <level>', 'report only findings at or above LEVEL (default: info)').choices([...SEVERITIES]))
    .option('--config <file>', 'use this config file instead of discovering .nixharden.toml')
    .option('--no-config', 'ignore any .nixharden.toml')
    .option('-j, --jobs <n>', 'worker threads for parsing (default: CPU count)', positiveInt)
    .action(async (paths: string[], flags: ScanFlags) => {
      const result = await analyzePaths(paths, {
        configFile: typeof flags.config === 'string' ? flags.config : undefined,
        noConfig: flags.config === false,
        minSeverity: flags.minSeverity,
        jobs: flags.jobs,
        toolVersion: VERSION,
      });
      // Expired ignores and similar notes are warnings on stderr in every format.
      for (const n of result.notes) process.stderr.write(`nixharden: warning: ${n.where ? `${n.where}: ` : ''}${n.message}\n`);
      const color = !flags.output && flags.format === 'text' && shouldColor(process.stdout);
      const report = renderReport(result, flags.format, { color });
      if (flags.output) writeFileAtomic(flags.output, report);
      else process.stdout.write(report);
      // A rule that could not run means the scan cannot vouch for the files: fail closed.
      if (result.notes.some((n) => n.kind === 'rule-error')) setExitCode(ExitCode.Usage);
      else setExitCode(result.findings.length > 0 ? ExitCode.Findings : ExitCode.Ok);
    });
};
