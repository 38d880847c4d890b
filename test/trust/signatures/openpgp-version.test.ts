import fs from 'node:fs';
import path from 'node:path';
import { AUDITED_OPENPGP_VERSION, installedOpenpgpVersion } from '../../../src/trust/signatures/openpgp/fast-verify.js';

// The node:crypto fast path mirrors openpgp.js internals: an upgrade must be audited,
// not slipped in by a lock-file refresh.
describe('openpgp.js is the audited release', () => {
  it('package.json pins exactly the audited version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8'));
    expect(pkg.dependencies.openpgp).toBe(AUDITED_OPENPGP_VERSION);
  });
  it('the installed openpgp is the audited version', () => {
    expect(installedOpenpgpVersion()).toBe(AUDITED_OPENPGP_VERSION);
  });
});
