/** `nixharden migrate PATH…`: one stagex migration plan per host, written atomically. */
import { ExitCode } from '../core/errors.js';
import { escapeControl } from '../core/escape.js';
import { VERSION } from '../core/version.js';
import { warn } from './output.js';
import type { Register } from './types.js';

interface MigrateFlags {
  stagex?: string;
  out?: string;
  host?: string;
  force?: boolean;
  strict?: boolean;
}

export const register: Register = (program, setExitCode) => {
  program
    .command('migrate')
    .description('generate stagex Containerfiles, signature policies, CI rebuilds and a migration plan for each host (nothing is evaluated)')
    .argument('<paths...>', 'the configuration: files or directories')
    .option('--stagex <index>', 'stagex index: a file from `stagex import`, a release directory, or a base URL (default the imported index, if any)')
    .option('-o, --out <dir>', 'output directory; each host gets <dir>/<host>/ (default ./stagex-migration)')
    .option('--host <name>', 'only this host (a nixosConfigurations or hosts/ name)')
    .option('--force', 'replace host directories that already exist (fetched keys/*.asc are kept)')
    .option('--strict', 'exit 1 when an image is unpinned or a package or service is unmapped')
    .action(async (paths: string[], flags: MigrateFlags) => {
      const { migrate } = await import('../app/migrate.js');
      const result = await migrate(paths, { stagex: flags.stagex, ...(flags.out ? { out: flags.out } : {}), host: flags.host, force: flags.force, toolVersion: VERSION });
      for (const { name, dir, plan } of result.hosts) {
        for (const w of plan.warnings) warn(`${name}: ${w}`);
        const services = plan.services.filter((s) => s.status === 'mapped').length;
        const pinned = plan.stagex.pinned ? `pinned to stagex ${plan.stagex.release ?? ''}`.trimEnd() : 'UNPINNED';
        process.stdout.write(
          `${escapeControl(`${name}: ${plan.coverage.mapped}/${plan.coverage.total} packages mapped (${plan.coverage.percent}%), ${services}/${plan.services.length} services, ${pinned} → ${dir}`)}\n`,
        );
      }
      if (flags.strict && result.strictProblems.length > 0) {
        for (const p of result.strictProblems) process.stderr.write(`nixharden: strict: ${escapeControl(p)}\n`);
        setExitCode(ExitCode.Findings);
      }
    });
};
