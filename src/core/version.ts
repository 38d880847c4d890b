import { readFileSync } from 'node:fs';

/**
 * The version users see (`--version`, reports), read from package.json so it can
 * never disagree with the published package. From src/core/ and dist/core/ alike,
 * package.json is two levels up.
 */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
