/**
 * `nixharden sign image REF --key FILE --lookaside DIR`: sign an image digest
 * (simple signing, as skopeo writes it) into the next free `signature-N`.
 */
import { ExitCode, UserError } from '../core/errors.js';
import { escapeControl } from '../core/escape.js';
import type { Register } from './types.js';

interface Flags {
  key?: string;
  lookaside?: string;
  passphraseFile?: string;
  manifest?: string;
  registry?: string;
}

export const register: Register = (program, setExitCode) => {
  const sign = program.command('sign').description('sign artifacts');
  sign
    .command('image')
    .description('sign a container image digest into a lookaside directory (refuses a second signature by the same key)')
    .argument('<ref>', 'registry/repo@sha256:…, registry/repo:tag@sha256:…, or registry/repo:tag (resolved through the registry)')
    .option('--key <file>', 'OpenPGP secret key (armored or binary, gpg --export-secret-keys; required)')
    .option('--lookaside <dir>', 'lookaside directory to write signature-N into (required)')
    .option('--passphrase-file <file>', "file holding the secret key's passphrase")
    .option('--manifest <file>', 'the image manifest: sign its sha256 (no registry request)')
    .option('--registry <url>', 'registry API base URL for resolving a tag (default https://<registry host>)')
    .action(async (ref: string, flags: Flags) => {
      // Checked here rather than by commander, so that an unknown option is still the error reported first.
      if (!flags.key || !flags.lookaside) throw new UserError('--key FILE and --lookaside DIR are required');
      const { signImage } = await import('../app/sign-image.js');
      const r = await signImage({
        ref,
        keyFile: flags.key,
        lookaside: flags.lookaside,
        ...(flags.passphraseFile ? { passphraseFile: flags.passphraseFile } : {}),
        ...(flags.manifest ? { manifest: flags.manifest } : {}),
        ...(flags.registry ? { registry: flags.registry } : {}),
      });
      process.stdout.write(`${escapeControl(`wrote ${r.file}: ${r.identity} ${r.digest} signed by ${r.key}`)}\n`);
      setExitCode(ExitCode.Ok);
    });
};
