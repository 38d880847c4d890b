import { Option } from 'commander';
import { ExitCode, UserError } from '../core/errors.js';
import { escapeControl } from '../core/escape.js';
import { parseCount, parseSize } from './flags.js';
import type { Register } from './types.js';
import { detail, withProgress } from './output.js';

interface PrefetchFlags {
  unpack?: boolean;
  name?: string;
  format: 'text' | 'json';
  expected?: string;
  maxSize?: number;
  maxUnpackedSize?: number;
  retries: number;
}

/** `nixharden prefetch SOURCE`: hash a URL, file or directory exactly as Nix would. */
export const register: Register = (program, setExitCode) => {
  program
    .command('prefetch')
    .description('print the Nix hash of a URL, file or directory (flat, or NAR with --unpack / for directories)')
    .argument('<source>', 'http(s):// or file:// URL, a local file, or a local directory')
    .option('--unpack', 'treat the file or URL as a tarball and hash its unpacked tree (as nix-prefetch-url --unpack)')
    .option('--name <name>', 'store path name used to compute the store path (default last component of the URL or path)')
    .addOption(new Option('-f, --format <format>', 'output format (default text)').choices(['text', 'json']).default('text'))
    .option('--expected <hash>', 'expected hash (SRI, sha256:…, or bare base32/hex); a mismatch exits 1')
    .option('--max-size <bytes>', 'refuse downloads larger than this many bytes; K, M, G suffixes (default 4G)', parseSize)
    .option('--max-unpacked-size <bytes>', 'refuse tarballs whose unpacked files (plus 512 bytes per entry) exceed this; they are held in memory (default 2G)', parseSize)
    .option('--retries <n>', 'retries after HTTP 5xx/429, network errors or truncated downloads (default 3)', parseCount, 3)
    .action(async (source: string, flags: PrefetchFlags) => {
      const [{ isStrongAlgorithm, parseHash }, { prefetch }, { prefetchToJson, prefetchToText }] = await Promise.all([
        import('../core/nix-hash.js'),
        import('../pin/nar/prefetch.js'),
        import('../report/prefetch.js'),
      ]);
      const expected = flags.expected === undefined ? undefined : parseHash(flags.expected, 'sha256');
      if (expected && !isStrongAlgorithm(expected.algorithm)) {
        throw new UserError(`--expected uses ${expected.algorithm}, which is too weak to verify anything; use sha256 or sha512`);
      }
      detail(`hashing ${source}${flags.unpack ? ' (unpacked)' : ''}`);
      const result = await withProgress(async (progress) => {
        const task = progress.start(`hashing ${source}`, { bytes: true });
        try {
          return await prefetch(source, {
            unpack: flags.unpack,
            name: flags.name,
            algorithm: expected?.algorithm ?? 'sha256',
            maxBytes: flags.maxSize,
            maxUnpackedBytes: flags.maxUnpackedSize,
            retries: flags.retries,
            onBytes: (n, total) => task.update(n, total),
          });
        } finally {
          task.end();
        }
      });
      const matches = expected ? expected.equals(result.hash) : undefined;
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(prefetchToJson(result, expected?.sri, matches), null, 2)}\n` : prefetchToText(result));
      if (matches === false) {
        process.stderr.write(`nixharden: hash mismatch for ${escapeControl(source)}:\n  expected: ${expected!.sri}\n  got:      ${result.hash.sri}\n`);
        setExitCode(ExitCode.Findings);
      }
    });
};
