/**
 * The sentences `pin` prints (and puts in its JSON `explanation`) about how far
 * behind its branch the chosen commit is: exact wording for 0, 1 and N passed-over
 * commits, one reason or several, singular and plural.
 */
import { describeCommits, explainBehind } from '../../src/pin/select-commit.js';
import type { CommitReport } from '../../src/trust/verify-commits/pipeline.js';

const rev = (n: number) => n.toString(16).padStart(40, '0');

function unsigned(n: number): CommitReport {
  return { rev: rev(n), verified: false, reason: 'unsigned', detail: 'no signature', signatures: [] };
}

function platformOnly(n: number): CommitReport {
  return {
    rev: rev(n),
    verified: false,
    reason: 'policy',
    detail: 'FAILED threshold',
    signatures: [],
    policy: { repository: 'NixOS/nixpkgs', satisfied: false, signers: ['github'], platformOnly: true, rules: [], rejected: [], notes: [] },
  };
}

function unknownKey(n: number): CommitReport {
  return { rev: rev(n), verified: false, reason: 'unknown-key', detail: 'no such key', signatures: [] };
}

const PLATFORM = 'signed only by the platform key, which your policy does not accept';

test('no commit passed over: the tip', () => {
  expect(explainBehind('nixos-25.11', [])).toBe('the tip of nixos-25.11');
});

test('one commit passed over: singular', () => {
  expect(explainBehind('nixos-25.11', [unsigned(1)])).toBe('1 commit behind nixos-25.11: the newer commit is unsigned');
  expect(explainBehind('main', [platformOnly(1)])).toBe(`1 commit behind main: the newer commit is ${PLATFORM}`);
});

test('several commits, one reason: plural', () => {
  expect(explainBehind('nixos-25.11', [unsigned(1), unsigned(2)])).toBe('2 commits behind nixos-25.11: the 2 newer commits are unsigned');
  expect(explainBehind('nixos-25.11', [platformOnly(1), platformOnly(2), platformOnly(3)])).toBe(`3 commits behind nixos-25.11: the 3 newer commits are ${PLATFORM}`);
});

test('several commits, several reasons: "of the N newer commits, a are …; b is …", most frequent first', () => {
  expect(explainBehind('nixos-25.11', [platformOnly(1), unsigned(2), platformOnly(3), platformOnly(4)])).toBe(
    `4 commits behind nixos-25.11: of the 4 newer commits, 3 are ${PLATFORM}; 1 is unsigned`,
  );
  expect(explainBehind('main', [unsigned(1), unsigned(2), unknownKey(3), unknownKey(4)])).toBe(
    '4 commits behind main: of the 4 newer commits, 2 are unsigned; 2 are signed by keys you have not given',
  );
  expect(explainBehind('main', [unsigned(1), unknownKey(2)])).toBe('2 commits behind main: of the 2 newer commits, 1 is unsigned; 1 is signed by keys you have not given');
});

test('other subjects read as sentences too', () => {
  expect(describeCommits([unsigned(1)], 'tagged')).toBe('the tagged commit is unsigned');
  expect(describeCommits([unsigned(1), unsigned(2)], 'examined')).toBe('the 2 examined commits are unsigned');
});
