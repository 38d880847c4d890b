import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildFileModel } from '../../src/model/index.js';
import { check } from '../../src/rules/checks/NH015-inline-secret.js';
import { DEFAULT_OPTIONS } from '../../src/rules/engine.js';

describe('NH015 recognises real binary cache keys (oracle: nix-store --generate-binary-cache-key)', () => {
  it('flags the secret key and never the public key, for names with and without a -N suffix', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-keys-'));
    for (const name of ['mycache', 'cache.example.org-1']) {
      const sk = path.join(dir, `${name}.sk`);
      const pk = path.join(dir, `${name}.pk`);
      execFileSync('nix-store', ['--generate-binary-cache-key', name, sk, pk], { stdio: 'ignore' });
      const secret = fs.readFileSync(sk, 'utf8').trim();
      const pub = fs.readFileSync(pk, 'utf8').trim();
      const text = `{\n  nix.settings.trusted-public-keys = [ "${pub}" ];\n  services.harmonia.signKey = "${secret}";\n}\n`;
      const file = buildFileModel({ file: 'k.nix', absPath: path.join(dir, 'k.nix'), text, kind: 'nix' });
      const found = check(file, { model: { root: dir, files: [file], skipped: [] }, options: { ...DEFAULT_OPTIONS, now: new Date() } });
      expect(found.map((f) => [f.span.startLine, text.slice(f.span.startOffset, f.span.endOffset)])).toEqual([[3, secret]]);
    }
    fs.rmSync(dir, { recursive: true });
  });
});
