import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nixGuard } from '../../src/edit/guards.js';
import { nixInstantiateCheck } from '../../src/syntax/nix/nix-instantiate.js';
import { runCli } from '../helpers/cli.js';
import { describeWithNix } from './oracle.js';

describeWithNix("Nix's parser as an extra check on edits", () => {
  it('says valid, or invalid with the line Nix reports', () => {
    expect(nixInstantiateCheck('{ a = 1; }')).toEqual({ verdict: 'valid' });
    expect(nixInstantiateCheck('{\n  a = 1;\n  a = 2;\n}')).toMatchObject({ verdict: 'invalid', line: 3 });
  });

  it('a guard that cannot run Nix keeps the in-process verdict and never calls that a syntax error', () => {
    const unavailable = () => ({ verdict: 'unavailable' as const, reason: 'cannot connect to socket: permission denied' });
    const guard = nixGuard(undefined, unavailable);
    expect(guard('a.nix', '{ a = 1; }')).toBeUndefined();
    expect(guard('a.nix', '{ a = ; }')).toMatch(/^the edit would introduce a Nix syntax error at line 1, column 7/);
  });

  it('as a user who may not reach the Nix daemon, --fix still applies (no daemon, no store needed)', () => {
    if (process.getuid?.() !== 0) return; // the drop to nobody needs root; CI runs as root
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-nobody-'));
    try {
      fs.writeFileSync(path.join(tmp, 'configuration.nix'), '{\n  nix.settings.require-sigs = false;\n}\n');
      fs.chmodSync(tmp, 0o777);
      fs.chmodSync(path.join(tmp, 'configuration.nix'), 0o666);
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.resolve('bin/nixharden.js'), 'scan', tmp, '--fix', '--no-config'], {
        encoding: 'utf8',
        env: { ...process.env, HOME: tmp, NO_COLOR: '1' },
      });
      expect(r.stderr).not.toMatch(/syntax error/);
      expect(r.status).toBe(0);
      expect(fs.readFileSync(path.join(tmp, 'configuration.nix'), 'utf8')).toBe('{\n  nix.settings.require-sigs = true;\n}\n');
      expect(execFileSync('nix-instantiate', ['--parse', path.join(tmp, 'configuration.nix')]).length).toBeGreaterThan(0);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

it('runCli is the built CLI (sanity for the nobody test above)', () => {
  expect(runCli(['--version']).status).toBe(0);
});
