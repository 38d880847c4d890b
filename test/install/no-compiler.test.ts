import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { copyWorkingTree } from '../helpers/working-tree.js';

/**
 * The packed package installs and scans with no compiler reachable (docs/install.md):
 * `npm pack` (prepack puts the prebuilt addons in), then `npm install` of the tarball
 * into an empty directory with a PATH holding only node, npm, npx and sh, and
 * npm_config_nodedir pointing at an empty directory (no Node headers either).
 * Packing happens in a copy of the checkout (node_modules included) so that its tsc
 * build and compiles never rewrite dist/ or build/ under the tests running beside it.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-install-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function copyCheckout(dest: string): void {
  copyWorkingTree(dest);
  // A real copy (not a symlink): npm bundles tree-sitter's own dependencies only from a real tree.
  execFileSync('cp', ['-a', path.join(repoRoot, 'node_modules'), path.join(dest, 'node_modules')]);
}

/** A PATH directory with only what npm itself needs: no cc, g++, make or python3. */
function bareBin(dir: string): string {
  fs.mkdirSync(dir);
  for (const tool of ['node', 'npm', 'npx', 'sh']) {
    const found = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    fs.symlinkSync(fs.realpathSync(found), path.join(dir, tool));
  }
  return dir;
}

/** The newest glibc / libstdc++ symbol versions a binary needs (objdump comes with binutils, beside g++). */
function newestSymbolVersions(file: string): { glibc: string; glibcxx: string } {
  const out = execFileSync('objdump', ['-T', file], { encoding: 'utf8' });
  const newest = (prefix: string): string =>
    [...out.matchAll(new RegExp(`\\b${prefix}_([0-9.]+)`, 'g'))].map((m) => m[1]!).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1) ?? '0';
  return { glibc: newest('GLIBC'), glibcxx: newest('GLIBCXX') };
}

function findings(stdout: string): string[] {
  const report = JSON.parse(stdout) as { findings: { ruleId: string; location: { file: string; startLine: number } }[] };
  return report.findings.map((f) => `${f.location.file}:${f.location.startLine} ${f.ruleId}`).sort();
}

describe('npm pack → install with no compiler → scan', () => {
  it('installs from prebuilt binaries and finds what the checkout finds', () => {
    const src = path.join(tmp, 'src');
    copyCheckout(src);
    const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: src, encoding: 'utf8' });
    expect({ status: pack.status, stderr: pack.status === 0 ? '' : pack.stderr }).toEqual({ status: 0, stderr: '' });
    const [packed] = JSON.parse(pack.stdout) as { filename: string; bundled: string[]; files: { path: string }[] }[];
    expect(packed!.bundled).toEqual(expect.arrayContaining(['tree-sitter', 'node-gyp-build', 'node-addon-api']));
    const arch = `${process.platform}-${process.arch}`;
    expect(packed!.files.map((f) => f.path).filter((f) => f.includes('/prebuilds/'))).toEqual([
      `grammars/nix/prebuilds/${arch}/tree-sitter-nix-binding.glibc.node`,
      `node_modules/tree-sitter/prebuilds/${arch}/tree-sitter.glibc.node`,
    ]);
    const tarball = packed!.filename;

    const bin = bareBin(path.join(tmp, 'bin'));
    const emptyNodedir = path.join(tmp, 'no-headers');
    fs.mkdirSync(emptyNodedir);
    const env = { HOME: os.homedir(), PATH: bin, npm_config_nodedir: emptyNodedir, NO_COLOR: '1' };
    for (const tool of ['cc', 'gcc', 'g++', 'c++', 'make', 'python3', 'python']) {
      expect(spawnSync('sh', ['-c', `command -v ${tool}`], { env }).status).not.toBe(0);
    }

    const project = path.join(tmp, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{ "private": true }\n');
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts', path.join(tmp, tarball)], {
      cwd: project,
      env,
      encoding: 'utf8',
    });
    expect({ status: install.status, stderr: install.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    // Both install scripts ran and took the prebuilt path: nothing was compiled.
    expect(install.stdout).toMatch(/nixharden@[^ ]+ install[^\n]*\n> cd grammars\/nix && node-gyp-build/);
    expect(install.stdout).toMatch(/tree-sitter@[^ ]+ install/);
    const installed = path.join(project, 'node_modules', 'nixharden');
    expect(fs.existsSync(path.join(installed, 'grammars', 'nix', 'build'))).toBe(false);
    expect(fs.existsSync(path.join(installed, 'node_modules', 'tree-sitter', 'build'))).toBe(false);
    // docs/install.md promises the binaries load on Debian 12 (glibc 2.36, GCC 12's libstdc++).
    for (const f of ['grammars/nix/prebuilds', 'node_modules/tree-sitter/prebuilds']) {
      const dir = path.join(installed, f, arch);
      for (const file of fs.readdirSync(dir)) {
        const v = newestSymbolVersions(path.join(dir, file));
        expect([file, v.glibc.localeCompare('2.36', 'en', { numeric: true }) <= 0, v.glibcxx.localeCompare('3.4.30', 'en', { numeric: true }) <= 0]).toEqual([file, true, true]);
      }
    }

    // The example, plus a file with a syntax error: only tree-sitter's recovered tree
    // reads it, so the scan proves both native addons load.
    const example = path.join(tmp, 'insecure-host');
    fs.cpSync(path.join(repoRoot, 'examples', 'insecure-host'), example, { recursive: true });
    fs.writeFileSync(path.join(example, 'broken.nix'), '{ ... }:\n{\n  nix.settings.substituters = [ "http://cache.example.org" ];\n  broken = ;\n}\n');
    const scan = spawnSync('npx', ['nixharden', 'scan', '--format', 'json', example], { cwd: project, env, encoding: 'utf8' });
    expect(scan.stderr).toBe('');
    expect(scan.status).toBe(1);
    const got = findings(scan.stdout);
    expect(got).toEqual(expect.arrayContaining(['broken.nix:3 NH001', 'broken.nix:3 NH002', 'broken.nix:4 NH017']));
    expect(got).toEqual(findings(runCli(['scan', '--format', 'json', example]).stdout));
  }, 600_000);
});
