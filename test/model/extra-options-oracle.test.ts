/**
 * `nix.extraOptions` built from pieces: `'' … '' + lib.optionalString c '' … ''`,
 * `concatLines [ … ]`, `builtins.concatStringsSep "\n" [ … ]`. Oracle: Nix
 * evaluates the file's `nix.extraOptions` (conditions true); every
 * `key = value` line of that string must be a setting of the model, with the
 * same words.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { modelNixFile } from '../../src/model/nix-file.js';
import { describeWithNix } from '../syntax/oracle.js';

const LIB = `lib = {
    optionalString = c: s: if c then s else "";
    concatLines = l: builtins.concatStringsSep "\\n" l + "\\n";
  };`;
const CASES: Record<string, string> = {
  optionalString: `let ${LIB} in {
  nix.extraOptions = ''
    require-sigs = false
  '' + lib.optionalString true ''
    sandbox = false
  '';
}`,
  concatLines: `let ${LIB} in {
  nix.extraOptions = lib.concatLines [ "extra-substituters = http://a.example.org" "trusted-users = root alice" ];
}`,
  concatStringsSep: `{
  nix.extraOptions = builtins.concatStringsSep "\\n" [ "sandbox = relaxed" "extra-trusted-public-keys = a-1:AAAA=" ];
}`,
  withLib: `let ${LIB} in {
  nix.extraOptions = with lib; optionalString true "accept-flake-config = true";
}`,
};

function nixConfLines(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([^=#\s]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!.split(/\s+/).filter(Boolean);
  }
  return out;
}

describeWithNix('oracle: nix.extraOptions pieces (nix-instantiate --eval)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-extra-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(Object.keys(CASES))('%s', (name) => {
    const text = CASES[name]! + '\n';
    const file = path.join(dir, `${name}.nix`);
    fs.writeFileSync(file, text);
    const r = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', `(import ${file}).nix.extraOptions`], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/error/);
    const expected = nixConfLines(JSON.parse(r.stdout) as string);
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    const m = modelNixFile({ file: `${name}.nix`, absPath: file, text });
    const ours: Record<string, string[]> = {};
    for (const s of m.settings) {
      expect(s.origin).toBe('extraOptions');
      ours[s.key] = s.value.kind === 'list' ? s.value.items.map((i) => (i.kind === 'string' ? i.value : '?')) : ['?'];
      // The span covers the line as written in the file.
      expect(text.slice(s.keySpan.startOffset, s.keySpan.endOffset)).toBe(s.key);
    }
    expect(ours).toEqual(expected);
  });
});
