/**
 * Image references as containers/image normalises them, and the identity
 * rules (matchRepoDigestOrExact, remapIdentity) a signature is judged by.
 */
import { identityMatches, parseNormalizedRef, prefixProblem, refString, ReferenceError } from '../../../src/trust/images/reference.js';
import { isStoreBaseName } from '../../../src/trust/caches/narinfo.js';
import { isValidStoreName } from '../../../src/pin/nar/store-path.js';

const D = `sha256:${'ab'.repeat(32)}`;

test.each([
  ['busybox', 'docker.io/library/busybox'],
  ['busybox:1.36', 'docker.io/library/busybox:1.36'],
  ['stagex/core-gcc:13', 'docker.io/stagex/core-gcc:13'],
  ['index.docker.io/stagex/core-gcc', 'docker.io/stagex/core-gcc'],
  [`quay.io/stagex/core-gcc@${D}`, `quay.io/stagex/core-gcc@${D}`],
  [`localhost/x:1@${D}`, `localhost/x:1@${D}`],
  ['127.0.0.1:5000/team/app:v1', '127.0.0.1:5000/team/app:v1'],
  ['Registry.Example/app', 'Registry.Example/app'],
])('%s normalises to %s', (input, want) => {
  expect(refString(parseNormalizedRef(input))).toBe(want);
});

test.each(['Busybox', 'stagex/Core', `busybox@sha256:${'ab'.repeat(31)}`, `busybox@sha512:${'ab'.repeat(32)}`, 'a'.repeat(64), 'x:tag:more', '', 'x//y'])('%s is refused', (input) => {
  expect(() => parseNormalizedRef(input)).toThrow(ReferenceError);
});

const intended = (s: string) => parseNormalizedRef(s);
test.each([
  [`docker.io/stagex/x@${D}`, 'stagex/x:1', undefined, true],
  [`docker.io/stagex/x@${D}`, `docker.io/stagex/x@${D}`, undefined, true],
  [`docker.io/stagex/x@${D}`, 'docker.io/stagex/x', undefined, false],
  [`docker.io/stagex/x@${D}`, 'docker.io/stagex/y:1', undefined, false],
  ['docker.io/stagex/x:1', 'docker.io/stagex/x:1', undefined, true],
  ['docker.io/stagex/x:1', 'docker.io/stagex/x:2', undefined, false],
  ['docker.io/stagex/x:1', `docker.io/stagex/x@${D}`, undefined, false],
  [`quay.io/stagex/x@${D}`, 'docker.io/stagex/x:1', { prefix: 'quay.io/stagex', signedPrefix: 'docker.io/stagex' }, true],
  [`quay.io/stagexx/x@${D}`, 'docker.io/stagexx/x:1', { prefix: 'quay.io/stagex', signedPrefix: 'docker.io/stagex' }, false],
  ['quay.io/stagex/x:1', 'docker.io/stagex/x:1', { prefix: 'quay.io/stagex', signedPrefix: 'docker.io/stagex' }, true],
  ['quay.io/stagex/x:1', 'quay.io/stagex/x:1', { prefix: 'quay.io/stagex', signedPrefix: 'docker.io/stagex' }, false],
  [`quay.io/stagex/x@${D}`, 'docker.io/stagex/x:1', undefined, false],
])('%s accepts the identity %s (remap %j): %s', (ref, identity, remap, want) => {
  expect(identityMatches(intended(ref), identity, remap)).toBe(want);
});

test.each([
  ['docker.io/stagex', undefined],
  ['quay.io', undefined],
  ['127.0.0.1:5000/team', undefined],
  ['stagex', 'must start with a registry host, e.g. docker.io/stagex'],
  ['docker.io/', 'is not a repository path (lower-case components separated by /)'],
  ['index.docker.io/x', 'write docker.io, not index.docker.io'],
])('prefix %s: %s', (prefix, problem) => {
  expect(prefixProblem(prefix)).toBe(problem);
});

test('the narinfo store-name check agrees with isValidStoreName', () => {
  const hash = '0'.repeat(32);
  for (const name of ['hello-2.12', '.hidden', 'a?b=c+d', 'x'.repeat(211), 'x'.repeat(212), 'sp ace', '', 'ünï', '-x', 'a_b.c']) {
    expect(isStoreBaseName(`${hash}-${name}`)).toBe(isValidStoreName(name));
  }
});
