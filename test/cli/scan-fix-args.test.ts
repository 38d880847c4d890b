import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { jest } from '@jest/globals';
import { runCli } from '../helpers/cli.js';

// The built CLI is what users run: `npx tsc -p tsconfig.build.json` first.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true, strictRequired: false });
addFormats(ajv);
const validateJson = ajv.compile(JSON.parse(fs.readFileSync(path.resolve('docs/json-schema-v1.json'), 'utf8')));

const risky = `{ pkgs, ... }:
{
  nix.settings.require-sigs = false;
  nix.settings.trusted-users = [ "root" "@wheel" ];
}
`;

jest.setTimeout(180000);

let tmp: string;
let conf: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-cli-fix-'));
  execFileSync('git', ['init', '-q', tmp]);
  conf = path.join(tmp, 'configuration.nix');
  fs.writeFileSync(conf, risky);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Nix's own parser accepts the rewritten file (oracle: nix-instantiate --parse). */
const nixParses = (f: string): boolean => spawnSync('nix-instantiate', ['--parse', f], { stdio: 'ignore' }).status === 0;

describe('scan --fix and the path after it', () => {
  it('`--fix DIR` scans DIR with safe fixes instead of rejecting DIR as a tier; the JSON report says what was fixed', () => {
    const r = runCli(['scan', '--fix', tmp, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1); // NH007 remains: its fix is unsafe
    expect(fs.readFileSync(conf, 'utf8')).toBe(risky.replace('require-sigs = false', 'require-sigs = true'));
    expect(nixParses(conf)).toBe(true);
    const doc = JSON.parse(r.stdout);
    expect(validateJson(doc)).toBe(true);
    expect(doc.findings.map((f: { ruleId: string; fix?: { tier: string }; fixStatus?: { state: string } }) => [f.ruleId, f.fix?.tier, f.fixStatus?.state])).toEqual([
      ['NH005', 'safe', 'applied'],
      ['NH007', 'unsafe', undefined],
    ]);
  });

  it('`--fix DIR` works with a relative path too, and with more paths after it', () => {
    const other = path.join(tmp, 'other');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'o.nix'), '{ nix.settings.sandbox = false; }\n');
    const r = runCli(['scan', '--fix', 'configuration.nix', 'other'], { cwd: tmp });
    expect(r.stderr).toBe('');
    expect(fs.readFileSync(conf, 'utf8')).toContain('require-sigs = true');
    expect(fs.readFileSync(path.join(other, 'o.nix'), 'utf8')).toBe('{ nix.settings.sandbox = true; }\n');
    expect(nixParses(path.join(other, 'o.nix'))).toBe(true);
  });

  it('`--fix unsafe DIR` and `--fix=unsafe DIR` still choose the unsafe tier', () => {
    for (const args of [['--fix', 'unsafe', tmp], [`--fix=unsafe`, tmp]]) {
      fs.writeFileSync(conf, risky);
      const r = runCli(['scan', ...args]);
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/^nixharden: unsafe fix applied: configuration\.nix:4 NH007: /);
      expect(fs.readFileSync(conf, 'utf8')).toContain('trusted-users = [ "root" ];');
      expect(nixParses(conf)).toBe(true);
    }
    fs.writeFileSync(conf, risky);
    const safe = runCli(['scan', '--fix=safe', tmp]);
    expect(safe.status).toBe(1);
    expect(fs.readFileSync(conf, 'utf8')).toContain('"root" "@wheel"');
  });

  it('a --fix value that is neither a tier nor a path, or no path at all, is one line and exit 2; nothing is written', () => {
    const bogus = runCli(['scan', '--fix', path.join(tmp, 'missing'), tmp]);
    expect(bogus.status).toBe(2);
    expect(bogus.stderr).toBe(`nixharden: --fix takes safe or unsafe (or nothing, before a path); "${path.join(tmp, 'missing')}" is neither a tier nor an existing path\n`);
    for (const args of [['scan', '--fix'], ['scan']]) {
      const r = runCli(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('nixharden: missing paths to scan (nixharden scan [options] <paths...>)\n');
    }
    expect(fs.readFileSync(conf, 'utf8')).toBe(risky);
  });
});
