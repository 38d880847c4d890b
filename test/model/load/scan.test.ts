import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../../src/core/errors.js';
import { loadConfigModel, modelDiscovered } from '../../../src/model/load/index.js';
import { describeWhen } from '../../helpers/requires.js';

function tree(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-scan-')));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const CONFIG = `{ config, lib, pkgs, ... }:
{
  imports = [ ./hardware.nix ./modules ../outside.nix ];
  nix.settings.substituters = [ "https://cache.example.org" ];
}
`;

describe('loadConfigModel', () => {
  it('scans a tree: paths relative to the root, flake.nix linked with flake.lock, broken files reported and skipped past', async () => {
    const dir = tree({
      'flake.nix': '{ inputs.nixpkgs.url = "github:NixOS/nixpkgs"; outputs = { self, nixpkgs }: { }; }',
      'flake.lock': '{ "nodes": { "root": { "inputs": {} } }, "root": "root", "version": 7 }',
      'hosts/broken.nix': '{ a = 1 }',
      'hosts/ok.nix': '{ nix.settings.sandbox = false; }',
    });
    dirs.push(dir);
    const m = await loadConfigModel([dir], { jobs: 1 });
    expect(m.root).toBe(dir);
    expect(m.files.map((f) => [f.file, f.kind, f.parseProblems.length])).toEqual([
      ['flake.lock', 'flake.lock', 0],
      ['flake.nix', 'nix', 0],
      ['hosts/broken.nix', 'nix', 1],
      ['hosts/ok.nix', 'nix', 0],
    ]);
    expect(m.files[1]!.flakeLockFile).toBe('flake.lock');
    expect(m.files[0]!.flakeNixFile).toBe('flake.nix');
    expect(m.files[2]!.parseProblems[0]!.span.file).toBe('hosts/broken.nix');
    expect(m.files[3]!.settings[0]!.span).toMatchObject({ file: 'hosts/ok.nix', startLine: 1, startColumn: 3 });
  });

  it('follows the imports of an explicit file inside its directory, as one configuration', async () => {
    const dir = tree({
      'outside.nix': '{ }',
      'etc/configuration.nix': CONFIG,
      'etc/hardware.nix': '{ imports = [ ./more.nix ]; }',
      'etc/more.nix': '{ nix.settings.sandbox = false; }',
      'etc/modules/default.nix': '{ nix.settings.require-sigs = false; }',
      'etc/unrelated.nix': '{ }',
    });
    dirs.push(dir);
    const m = await loadConfigModel([path.join(dir, 'etc', 'configuration.nix')], { jobs: 1 });
    expect(m.root).toBe(path.join(dir, 'etc'));
    expect(m.files.map((f) => f.file)).toEqual(['configuration.nix', 'hardware.nix', 'modules/default.nix', 'more.nix']);
    expect(m.files.flatMap((f) => f.settings.map((s) => `${f.file}: ${s.key}`))).toEqual([
      'configuration.nix: substituters',
      'modules/default.nix: require-sigs',
      'more.nix: sandbox',
    ]);
  });

  it('turns an unreadable file found while walking into a problem, and an explicit one into a UserError', async () => {
    const dir = tree({ 'a.nix': '{ }' });
    dirs.push(dir);
    const gone = { absPath: path.join(dir, 'gone.nix'), file: 'gone.nix', kind: 'nix' as const };
    const walked = await modelDiscovered({ ...noExtras(dir), files: [{ ...gone, explicit: false }, { absPath: path.join(dir, 'a.nix'), file: 'a.nix', kind: 'nix', explicit: false }] }, { jobs: 1 });
    expect(walked.files.map((f) => [f.file, f.parseProblems.map((p) => p.message)])).toEqual([
      ['a.nix', []],
      ['gone.nix', ['cannot read file: no such file or directory']],
    ]);
    await expect(modelDiscovered({ ...noExtras(dir), files: [{ ...gone, explicit: true }] }, { jobs: 1 })).rejects.toThrow(UserError);
  });

  it('rejects a missing path', async () => {
    await expect(loadConfigModel(['/no/such/dir'])).rejects.toThrow('no such file or directory');
  });
});

const distScan = path.resolve(process.cwd(), 'dist', 'model', 'load', 'index.js');

/** Runs the built pipeline in a child process and returns its model as JSON (Maps as objects). */
function scanWithDist(dir: string, opts: object): string {
  const script = `
    const { loadConfigModel } = await import(${JSON.stringify(distScan)});
    const m = await loadConfigModel([${JSON.stringify(dir)}], ${JSON.stringify(opts)});
    process.stdout.write(JSON.stringify(m, (k, v) => (v instanceof Map ? { $map: [...v] } : v)));
  `;
  const file = path.join(dir, '..', `${path.basename(dir)}-run.mjs`);
  fs.writeFileSync(file, script);
  try {
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

describeWhen(fs.existsSync(distScan), 'the built dist/ (npm run build)', 'worker threads (the built dist/, as the CLI runs it)', () => {
  it('gives exactly the in-thread model, for a tree big enough to use workers', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++) {
      files[`m/mod${String(i).padStart(3, '0')}.nix`] = `{ lib, pkgs, ... }:\n{\n  nix.settings.substituters = lib.mkForce [ "https://c${i}.example.org" ];\n  x.y${i} = builtins.fetchTarball "https://example.org/${i}.tar.gz";\n  # comment ${i}\n}\n`;
    }
    files['m/broken.nix'] = '{ a = ; }';
    files['nix.conf'] = 'sandbox = false\n';
    const dir = tree(files);
    dirs.push(dir);
    const workers = scanWithDist(dir, { jobs: 2, workerThreshold: 48 });
    const single = scanWithDist(dir, { jobs: 1 });
    expect(JSON.parse(workers).files).toHaveLength(122);
    expect(workers).toBe(single);
  });
});

/** A discovery of hand-picked files: nothing skipped, the directory as the only root. */
function noExtras(dir: string) {
  return { root: dir, skipped: [], unreadableDirs: [], realRoots: [fs.realpathSync(dir)] };
}
