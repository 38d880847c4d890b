import { RELEASE_PATTERN } from '../data/nixpkgs-branches.js';
import { PROFILE_NAMES } from '../rules/profiles.js';
import { SEVERITIES } from '../rules/types.js';

/**
 * JSON Schema (draft-07) for `.nixharden.toml` after TOML decoding, with TOML dates
 * read as "YYYY-MM-DD" strings (what taplo shows a schema too). Every table is closed
 * so a typo is an error, never a silently disabled check. Rule names are checked
 * against the loaded rules in config.ts (the schema only says "a rule id or slug").
 * Published as docs/schemas/nixharden-config.schema.json (src/config/published-schemas.ts).
 */
export const CONFIG_SCHEMA_ID = 'https://nixharden.dev/schemas/config-v1.json';

const ruleName = { type: 'string', minLength: 1, description: 'A rule id (NH001) or slug (unofficial-substituter); see `nixharden rules`.' } as const;
const severity = { enum: [...SEVERITIES] } as const;
const stringList = { type: 'array', items: { type: 'string' } } as const;
// A pattern, not `format: date` (ajv-formats is only a dev dependency); config.ts also checks the day exists.
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: CONFIG_SCHEMA_ID,
  title: 'nixharden configuration (.nixharden.toml)',
  type: 'object',
  additionalProperties: false,
  properties: {
    rules: {
      type: 'object',
      additionalProperties: false,
      properties: {
        disable: { ...stringList, items: ruleName, description: 'Rules that never run.' },
        severity: {
          type: 'object',
          additionalProperties: { ...severity, description: 'Severity this rule reports with.' },
          description: 'rule = "severity": overrides a rule\'s default severity.',
        },
      },
    },
    ignore: {
      type: 'array',
      description: 'Findings to suppress: [[ignore]] entries, each for one rule, optionally limited to a path glob and a date.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule'],
        properties: {
          rule: ruleName,
          path: { type: 'string', minLength: 1, description: 'Glob (gitignore syntax) relative to the config file.' },
          reason: { type: 'string', minLength: 1, description: 'Why; shown with the suppressed finding.' },
          until: { ...date, description: 'Last day the entry applies (YYYY-MM-DD); afterwards the finding shows again, with a warning.' },
        },
      },
    },
    options: {
      type: 'object',
      additionalProperties: false,
      dependencies: { supportedReleasesAsOf: ['supportedReleases'] },
      properties: {
        officialSubstituters: { ...stringList, description: 'Substituters treated as official (default https://cache.nixos.org).' },
        officialKeys: { ...stringList, description: 'Binary cache keys treated as official (default cache.nixos.org-1).' },
        staleDays: { type: 'integer', minimum: 1, description: 'Locked revisions older than this many days are stale (default 30).' },
        supportedReleases: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: RELEASE_PATTERN },
          description: 'Supported nixpkgs releases ("26.05"), replacing the embedded list (NH020).',
        },
        supportedReleasesAsOf: { ...date, description: 'Day the supportedReleases list was checked; NH020 messages cite it.' },
      },
    },
    scan: {
      type: 'object',
      additionalProperties: false,
      properties: {
        minSeverity: { ...severity, description: 'Default threshold for scan; --min-severity wins.' },
        profile: { enum: [...PROFILE_NAMES], description: 'Default profile for scan (docs/profiles.md); --profile wins.' },
      },
    },
  },
} as const;
