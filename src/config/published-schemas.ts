/**
 * The JSON Schemas published in docs/schemas/ for editors (taplo / Even Better TOML)
 * and other tools, generated from the schemas the code validates with so that the two
 * never drift: `npm run schemas` writes them, test/config/schemas.test.ts checks them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../core/fs.js';
import { policySchema } from '../trust/policy/schema.js';
import { configSchema } from './config-schema.js';

export const defaultSchemasDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'schemas');

/** File name → content of every published schema. */
export function renderSchemas(): Map<string, string> {
  const json = (schema: object): string => `${JSON.stringify(schema, null, 2)}\n`;
  return new Map([
    ['nixharden-config.schema.json', json(configSchema)],
    ['nixharden-policy.schema.json', json(policySchema)],
  ]);
}

/** Names of published schemas that are missing or differ from the code's in `dir`. */
export function staleSchemas(dir: string = defaultSchemasDir): string[] {
  const stale: string[] = [];
  for (const [name, text] of renderSchemas()) {
    const p = path.join(dir, name);
    if (!fs.existsSync(p) || fs.readFileSync(p, 'utf8') !== text) stale.push(name);
  }
  return stale;
}

export async function writeSchemas(dir: string = defaultSchemasDir): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of renderSchemas()) await writeFileAtomic(path.join(dir, name), text);
  return [...renderSchemas().keys()];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`wrote ${(await writeSchemas()).join(', ')} to docs/schemas\n`);
}
