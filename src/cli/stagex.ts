import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseCount } from './flags.js';
import type { Register } from './types.js';
import { warn, withProgress } from './output.js';

interface ImportFlags {
  output?: string;
  release?: string;
  cacheDir?: string;
  retries: number;
}

/** `nixharden stagex import SOURCE`: build the stagex index that `migrate` pins images from. */
export const register: Register = (program, setExitCode) => {
  const stagex = program.command('stagex').description('work with stagex, the quorum-signed distribution `migrate` targets');
  stagex
    .command('import')
    .description('index a stagex release (images, versions, digests, build dependencies) for `migrate`')
    .argument('<source>', 'a stagex checkout or release tree (packages/, digests/), or a base URL serving digests/<stage>.txt')
    .option('-o, --output <file>', 'where to write the index JSON (default <cache dir>/stagex-index.json)')
    .option('--release <name>', 'release name to record when the source path or URL does not show one')
    .option('--cache-dir <dir>', 'cache for downloaded digest lists (default $NIXHARDEN_CACHE_DIR, $XDG_CACHE_HOME/nixharden)')
    .option('--retries <n>', 'retries after HTTP 5xx/429 or network errors (default 3)', parseCount, 3)
    .action(async (source: string, flags: ImportFlags) => {
      // Loaded here so other commands do not pay for got, ajv and the importer.
      const { importStagex, defaultIndexPath } = await import('../migrate/stagex/load.js');
      const { writeFileAtomic } = await import('../core/fs.js');
      const { escapeControl } = await import('../core/escape.js');
      const index = await withProgress((progress) =>
        importStagex(source, { release: flags.release, cacheDir: flags.cacheDir, retries: flags.retries, progress: (m) => progress.status(m) }),
      );
      const output = flags.output ?? defaultIndexPath();
      await mkdir(path.dirname(path.resolve(output)), { recursive: true });
      await writeFileAtomic(output, `${JSON.stringify(index, null, 2)}\n`);
      for (const w of index.warnings) warn(w);
      const withDigest = index.images.filter((i) => i.digest !== null).length;
      const release = index.release ? `stagex ${index.release}` : 'stagex';
      const warnings = `${index.warnings.length} warning${index.warnings.length === 1 ? '' : 's'}`;
      process.stdout.write(`${release}: ${index.images.length} images, ${withDigest} with digests, ${warnings}; written to ${escapeControl(output)}\n`);
      setExitCode(0);
    });
};
