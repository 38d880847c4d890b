import { parseCount, parseSize } from './flags.js';
import { Option } from 'commander';
import { ExitCode, UserError } from '../core/errors.js';
import { isStrongAlgorithm, parseHash } from '../pin/nar/hash.js';
import { prefetch, type PrefetchResult } from '../pin/nar/prefetch.js';
import type { Register } from './types.js';

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
    .option('--name <name>', 'store path name used to compute the store path (default: last component of the URL or path)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--expected <hash>', 'expected hash (SRI, sha256:…, or bare base32/hex); a mismatch exits 1')
    .option('--max-size <bytes>', 'refuse downloads larger than this many bytes (default 4 GiB)', parseSize)
    .option('--max-unpacked-size <bytes>', 'refuse tarballs whose unpacked files (plus 512 bytes per entry) exceed this; they are held in memory (default 2 GiB)', parseSize)
    .option('--retries <n>', 'retries after HTTP 5xx/429, network errors or truncated downloads', parseCount, 3)
    .action(async (source: string, flags: PrefetchFlags) => {
      const expected = flags.expected === undefined ? undefined : parseHash(flags.expected, 'sha256');
      if (expected && !isStrongAlgorithm(expected.algorithm)) {
        throw new UserError(`--expected uses ${expected.algorithm}, which is too weak to verify anything; use sha256 or sha512`);
      }
      const result = await prefetch(source, {
        unpack: flags.unpack,
        name: flags.name,
        algorithm: expected?.algorithm ?? 'sha256',
        maxBytes: flags.maxSize,
        maxUnpackedBytes: flags.maxUnpackedSize,
        retries: flags.retries,
      });
      const matches = expected ? expected.equals(result.hash) : undefined;
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(toJson(result, expected?.sri, matches), null, 2)}\n` : toText(result));
      if (matches === false) {
        process.stderr.write(`nixharden: hash mismatch for ${source}:\n  expected: ${expected!.sri}\n  got:      ${result.hash.sri}\n`);
        setExitCode(ExitCode.Findings);
      }
    });
};

function toJson(r: PrefetchResult, expected: string | undefined, matches: boolean | undefined): object {
  return {
    version: 1,
    source: r.source,
    type: r.type,
    algorithm: r.hash.algorithm,
    sri: r.hash.sri,
    base32: r.hash.base32,
    hex: r.hash.hex,
    size: r.size,
    ...(r.unpack ? { stripped: r.unpack.stripped, topLevelEntries: r.unpack.topLevelEntries } : {}),
    ...(r.storePath ? { name: r.name, storePath: r.storePath } : {}),
    ...(expected !== undefined ? { expected, matches } : {}),
  };
}

function toText(r: PrefetchResult): string {
  const lines: Array<[string, string | number | undefined]> = [
    ['sri', r.hash.sri],
    ['base32', r.hash.base32],
    ['hex', r.hash.hex],
    ['type', r.type],
    ['source', r.source],
    ['path', r.storePath],
  ];
  return lines
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${`${k}:`.padEnd(8)}${v}\n`)
    .join('');
}
