/** Registry of rule logic by slug; each rules/<id>-<slug>.yaml must have an entry here. */
import type { RuleCheck } from '../types.js';
import { check as unofficialSubstituter } from './unofficial-substituter.js';
import { check as insecureSubstituter } from './insecure-substituter.js';
import { check as trustedStoreUrl } from './trusted-store-url.js';
import { check as extraTrustedKey } from './extra-trusted-key.js';
import { check as requireSigsDisabled } from './require-sigs-disabled.js';
import { check as sandboxDisabled } from './sandbox-disabled.js';
import { check as trustedUsers } from './trusted-users.js';
import { check as acceptFlakeConfig } from './accept-flake-config.js';
import { check as flakeNixconfigTrust } from './flake-nixconfig-trust.js';
import { check as unsafeNativeCode } from './unsafe-native-code.js';
import { check as unpinnedFetch } from './unpinned-fetch.js';
import { check as insecureFetchUrl } from './insecure-fetch-url.js';
import { check as channelLookup } from './channel-lookup.js';
import { check as unlockedFlakeInput } from './unlocked-flake-input.js';
import { check as inlineSecret } from './inline-secret.js';
import { check as insecurePackagesPermitted } from './insecure-packages-permitted.js';
import { check as parseError } from './parse-error.js';
import { check as mutablePinRef } from './mutable-pin-ref.js';
import { check as staleLock } from './stale-lock.js';
import { check as unsupportedNixpkgsBranch } from './unsupported-nixpkgs-branch.js';
import { check as nonUpstreamNixpkgs } from './non-upstream-nixpkgs.js';
import { check as lockMissingNarhash } from './lock-missing-narhash.js';
import { check as insecureInputTransport } from './insecure-input-transport.js';
import { check as tarballInputWithoutHash } from './tarball-input-without-hash.js';
import { check as lockOutOfDate } from './lock-out-of-date.js';
import { check as sourcesEntryUnpinned } from './sources-entry-unpinned.js';
import { check as weakFetchHash } from './weak-fetch-hash.js';
import { check as fetchRevBranch } from './fetch-rev-branch.js';
import { check as remoteBuilderHostKey } from './remote-builder-host-key.js';
import { check as autoUpgradeMutableFlake } from './auto-upgrade-mutable-flake.js';
import { check as postBuildHook } from './post-build-hook.js';

export const checks: Readonly<Record<string, RuleCheck>> = {
  'unofficial-substituter': unofficialSubstituter,
  'insecure-substituter': insecureSubstituter,
  'trusted-store-url': trustedStoreUrl,
  'extra-trusted-key': extraTrustedKey,
  'require-sigs-disabled': requireSigsDisabled,
  'sandbox-disabled': sandboxDisabled,
  'trusted-users': trustedUsers,
  'accept-flake-config': acceptFlakeConfig,
  'flake-nixconfig-trust': flakeNixconfigTrust,
  'unsafe-native-code': unsafeNativeCode,
  'unpinned-fetch': unpinnedFetch,
  'insecure-fetch-url': insecureFetchUrl,
  'channel-lookup': channelLookup,
  'unlocked-flake-input': unlockedFlakeInput,
  'inline-secret': inlineSecret,
  'insecure-packages-permitted': insecurePackagesPermitted,
  'parse-error': parseError,
  'mutable-pin-ref': mutablePinRef,
  'stale-lock': staleLock,
  'unsupported-nixpkgs-branch': unsupportedNixpkgsBranch,
  'non-upstream-nixpkgs': nonUpstreamNixpkgs,
  'lock-missing-narhash': lockMissingNarhash,
  'insecure-input-transport': insecureInputTransport,
  'tarball-input-without-hash': tarballInputWithoutHash,
  'lock-out-of-date': lockOutOfDate,
  'sources-entry-unpinned': sourcesEntryUnpinned,
  'weak-fetch-hash': weakFetchHash,
  'fetch-rev-branch': fetchRevBranch,
  'remote-builder-host-key': remoteBuilderHostKey,
  'auto-upgrade-mutable-flake': autoUpgradeMutableFlake,
  'post-build-hook': postBuildHook,
};
