/**
 * Real stagex references (release 2026.03.0 digests from ../shared/data):
 * three rebuilders sign with `signImage`, and `verifyImages` applies stagex's
 * rule, two distinct maintainers, on docker.io and on quay.io (remap).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeWithSharedData, sharedDataDir } from '../../helpers/shared-data.js';
import { ImageLab } from './lab.js';
import { signImage } from '../../../src/app/sign-image.js';
import { verifyImages } from '../../../src/app/verify-image.js';
import { loadPolicy } from '../../../src/trust/policy/policy.js';

describeWithSharedData('stagex/2026.03.0/digests', 'stagex release digests', () => {
  let lab: ImageLab;
  afterAll(() => lab?.cleanup());

  test('2 of 3 maintainers: verified by digest on docker.io and quay.io; one signature is not enough', async () => {
    lab = new ImageLab();
    const lines = fs.readFileSync(path.join(sharedDataDir, 'stagex/2026.03.0/digests/core.txt'), 'utf8').trim().split('\n').slice(0, 3);
    const refs = lines.map((l) => {
      const [hex, name] = l.split(' ');
      return `docker.io/stagex/${name}@sha256:${hex}`;
    });
    const who = ['lance', 'anton', 'ryan'].map((n) => lab.home.genKey({ uid: `${n} <${n}@example.org>` }));
    const lookaside = path.join(lab.root, 'sigs');
    for (const [i, key] of who.entries()) {
      fs.writeFileSync(path.join(lab.root, `k${i}.asc`), lab.home.exportPublic([key], { armor: true }));
      fs.writeFileSync(path.join(lab.root, `k${i}.sec`), lab.secretKey(key));
    }
    // refs[0] and refs[1] get two signatures, refs[2] one.
    for (const [i, ref] of refs.entries()) {
      for (const k of i < 2 ? [0, 1] : [2]) await signImage({ ref, keyFile: path.join(lab.root, `k${k}.sec`), lookaside });
    }
    const policyFile = path.join(lab.root, 'policy.toml');
    fs.writeFileSync(
      policyFile,
      `version = 1\n${who.map((_, i) => `[[signers]]\nid = "m${i}"\nkeys = [{ path = "k${i}.asc" }]\n`).join('')}` +
        `[[images]]\nprefix = "docker.io/stagex"\nlookaside = "sigs"\nremap = { prefix = "quay.io/stagex", signed-prefix = "docker.io/stagex" }\n` +
        `[[images.rules]]\ntype = "threshold"\nmin = 2\nsigners = ["m0", "m1", "m2"]\n`,
    );
    const policy = await loadPolicy(policyFile);
    const quay = refs.map((r) => r.replace('docker.io/', 'quay.io/'));
    const results = await verifyImages({ refs: [...refs, ...quay], policy });
    expect(results.map((r) => [r.verified, r.signers])).toEqual([
      [true, ['m0', 'm1']],
      [true, ['m0', 'm1']],
      [false, ['m2']],
      [true, ['m0', 'm1']],
      [true, ['m0', 'm1']],
      [false, ['m2']],
    ]);
    expect(results[0]!.digest).toBe(`sha256:${lines[0]!.split(' ')[0]}`);
  }, 120_000);
});
