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
};
