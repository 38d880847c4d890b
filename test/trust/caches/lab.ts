/**
 * Real binary caches for tests: input-addressed store paths built with
 * nix-build (no substituters, no sandbox), copied to `file://` caches with
 * `nix copy` and signed with `nix store sign` under keys made by
 * `nix-store --generate-binary-cache-key`. `nix store verify` is the oracle.
 */
import { createPrivateKey, sign as edSign, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../helpers/signing.js';

const NIX = ['--extra-experimental-features', 'nix-command'];

export interface NixKey {
  name: string;
  secretFile: string;
  /** `name:base64` public key. */
  publicKey: string;
  secret: KeyObject;
}

export class CacheLab {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-cache-'));

  /**
   * `n` input-addressed paths from one multi-output derivation; output i
   * refers to output i-1, so most have a reference. `salt` makes them unique.
   */
  buildPaths(n: number, salt: string): string[] {
    const file = path.join(this.root, `d-${salt}.nix`);
    fs.writeFileSync(
      file,
      `let outs = builtins.genList (i: "o\${toString i}") ${n}; in derivation {
  name = "nhtest-${salt}"; system = builtins.currentSystem; builder = "/bin/sh"; outputs = outs;
  args = [ "-c" ''i=0; prev=""; while [ $i -lt ${n} ]; do eval "p=\\$o$i"; printf '%s %s\\n' "$i" "$prev" > "$p"; prev="$p"; i=$((i+1)); done'' ];
}\n`,
    );
    const drv = run('nix-instantiate', [file]).stdout.trim().split('\n')[0]!.split('!')[0]!;
    run('nix-store', ['--realise', drv, '--option', 'substituters', '', '--option', 'sandbox', 'false']);
    const outs = run('nix-store', ['--query', '--outputs', drv]).stdout.trim().split('\n');
    // Output order: o0, o1, … (nix lists them sorted by name; sort numerically).
    return outs.sort((a, b) => Number(a.split('-o').pop()) - Number(b.split('-o').pop()));
  }

  key(name: string): NixKey {
    const sk = path.join(this.root, `${name}.sk`);
    const pk = path.join(this.root, `${name}.pk`);
    run('nix-store', ['--generate-binary-cache-key', name, sk, pk]);
    const raw = Buffer.from(fs.readFileSync(sk, 'utf8').split(':')[1]!, 'base64');
    const secret = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: raw.subarray(0, 32).toString('base64url'), x: raw.subarray(32).toString('base64url') }, format: 'jwk' });
    return { name, secretFile: sk, publicKey: fs.readFileSync(pk, 'utf8').trim(), secret };
  }

  /** A new empty cache directory and its file:// URL. */
  cache(name: string): { dir: string; url: string } {
    const dir = path.join(this.root, name);
    return { dir, url: `file://${dir}` };
  }

  copy(cacheUrl: string, paths: string[], key?: NixKey): void {
    run('nix', [...NIX, 'copy', '--to', `${cacheUrl}?compression=none${key ? `&secret-key=${key.secretFile}` : ''}`, ...paths]);
  }

  storeSign(cacheUrl: string, paths: string[], key: NixKey): void {
    run('nix', [...NIX, 'store', 'sign', '--store', cacheUrl, '--key-file', key.secretFile, ...paths]);
  }

  /** `nix store verify --no-contents --sigs-needed n` for one path: true when Nix accepts it. */
  nixVerifies(cacheUrl: string, storePath: string, keys: NixKey[], n: number): boolean {
    const r = run('nix', [...NIX, 'store', 'verify', '--store', cacheUrl, '--no-contents', '--trusted-public-keys', keys.map((k) => k.publicKey).join(' '), '--sigs-needed', String(n), storePath], { check: false });
    return r.status === 0;
  }

  narinfoFile(dir: string, storePath: string): string {
    return path.join(dir, `${path.basename(storePath).slice(0, 32)}.narinfo`);
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** `Sig: name:base64` over a fingerprint, made with the key's secret half. */
export function sigLine(key: NixKey, fingerprint: string, name = key.name): string {
  return `Sig: ${name}:${edSign(null, Buffer.from(fingerprint), key.secret).toString('base64')}`;
}
