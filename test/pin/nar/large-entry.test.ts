import { constants as bufferConstants } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, truncateSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCliAsync } from '../../helpers/cli.js';
import { nixPrefetchUrlAsync, tempDir } from './oracles.js';

/**
 * node:crypto's Hash#update refuses one buffer of 2^31 bytes or more ("data is too
 * long"), and on Node 20 no Buffer can exceed buffer.constants.MAX_LENGTH (2^32).
 * A tar entry just above the first limit must hash in chunks, equal to Nix.
 */
const HASH_UPDATE_LIMIT = 2 ** 31 - 1;
const ENTRY_SIZE = HASH_UPDATE_LIMIT + 2;

/** One ustar header block (512 bytes). */
function ustarHeader(name: string, size: number, type: '0' | '5', mode: number): Buffer {
  const h = Buffer.alloc(512);
  const octal = (value: number, width: number, at: number): void => {
    h.write(value.toString(8).padStart(width - 1, '0') + '\0', at, 'latin1');
  };
  h.write(name, 0, 'latin1');
  octal(mode, 8, 100);
  octal(0, 8, 108);
  octal(0, 8, 116);
  octal(size, 12, 124);
  octal(0, 12, 136);
  h.write(type, 156, 'latin1');
  h.write('ustar\u000000', 257, 'latin1');
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

let dir: string;
let tarPath: string;

beforeAll(() => {
  dir = tempDir('nh-large-entry-');
  tarPath = path.join(dir, 'big-1.0.tar');
  // Headers, then a hole: the zero-filled entry, its padding and the end-of-archive blocks take no disk space.
  const fd = openSync(tarPath, 'w');
  writeSync(fd, ustarHeader('big-1.0/', 0, '5', 0o755));
  writeSync(fd, ustarHeader('big-1.0/zeros.bin', ENTRY_SIZE, '0', 0o644));
  closeSync(fd);
  truncateSync(tarPath, 1024 + Math.ceil(ENTRY_SIZE / 512) * 512 + 1024);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the limits this test crosses are the ones Node 20 has', () => {
  expect(bufferConstants.MAX_LENGTH).toBeGreaterThan(ENTRY_SIZE);
});

// Slow (1.5-2 min here, most of it Nix unpacking 2 GiB to disk and copying it into the store), kept in CI.
test('prefetch --unpack of a tar with a 2 GiB + 1 entry equals nix-prefetch-url --unpack', async () => {
  const ours = await runCliAsync(['prefetch', '--unpack', '--max-unpacked-size', '4G', '--format', 'json', tarPath]);
  const nix = await nixPrefetchUrlAsync(pathToFileURL(tarPath).href, true);
  expect(ours.stderr).toBe('');
  expect(ours.status).toBe(0);
  expect(nix.error).toBeUndefined();
  expect(JSON.parse(ours.stdout)).toMatchObject({ type: 'nar', base32: nix.hash, storePath: nix.path, stripped: true });
  execFileSync('nix-store', ['--delete', nix.path!], { stdio: 'ignore' }); // 2 GiB the store does not need to keep
}, 300_000);
