/**
 * JSON Schema (draft-07) for `nixharden-policy.toml` / `.yaml`, after TOML or
 * YAML decoding. Every object is closed (`additionalProperties: false`) so a
 * misspelt field or an unknown rule type is an error, never silently ignored:
 * a trust policy must fail closed. docs/policy.md documents each field.
 */
import { COMMIT_ID_PATTERN } from '../../core/commit-id.js';
export const POLICY_SCHEMA_ID = 'https://nixharden.dev/schemas/policy-v1.json';

const signerRef = {
  signers: {
    type: 'array',
    minItems: 1,
    uniqueItems: true,
    items: { type: 'string', minLength: 1 },
    description: 'Signer ids (from [[signers]]) that this rule counts.',
  },
  role: { type: 'string', minLength: 1, description: 'Count every signer with this role.' },
} as const;

const keyEntry = {
  oneOf: [
    {
      type: 'string',
      minLength: 1,
      description: 'An armored OpenPGP certificate or one SSH public key line ("ssh-ed25519 AAAA… comment").',
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['path'],
      properties: {
        path: {
          type: 'string',
          minLength: 1,
          description: 'File with an armored or binary OpenPGP certificate, or SSH public key lines; relative to the policy file.',
        },
      },
    },
  ],
} as const;

export const policySchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: POLICY_SCHEMA_ID,
  title: 'nixharden trust policy',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'signers', 'repositories'],
  properties: {
    version: { const: 1, description: 'Policy format version; only 1 exists.' },
    signers: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'keys'],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._@+-]*$', description: 'Identity of the signer; counted once however many keys it has.' },
          role: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', description: 'e.g. maintainer; "platform" marks a code host merge key.' },
          keys: { type: 'array', minItems: 1, items: keyEntry },
          comment: { type: 'string' },
        },
      },
    },
    repositories: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['url', 'rules'],
        properties: {
          url: {
            type: 'string',
            minLength: 1,
            description: 'owner/repo (GitHub), an https/ssh git URL, or an absolute local path.',
          },
          branch: { type: 'string', minLength: 1 },
          'trust-root': {
            type: 'string',
            pattern: `^${COMMIT_ID_PATTERN}$`,
            description: 'Full commit id; history from it on must satisfy the rules.',
          },
          platform: {
            enum: ['ignore', 'count-as-one', 'sufficient'],
            description: 'How signatures by role=platform signers count (default ignore).',
          },
          'allow-weak-hash': { type: 'boolean', description: 'Accept SHA-1 based signatures (default false).' },
          'require-user-presence': { type: 'boolean', description: 'Only signatures asserting user presence count: FIDO (sk-*) SSH keys with the presence flag (default false).' },
          'require-user-verification': { type: 'boolean', description: 'Only FIDO (sk-*) SSH signatures asserting user verification (PIN/biometric) count (default false).' },
          rules: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['type'],
              properties: { type: { type: 'string' } },
              // A discriminator gives one clear error for an unknown rule type.
              discriminator: { propertyName: 'type' },
              oneOf: [
                {
                  type: 'object',
                  additionalProperties: false,
                  required: ['type', 'min'],
                  properties: {
                    type: { const: 'threshold' },
                    min: { type: 'integer', minimum: 1 },
                    ...signerRef,
                  },
                },
                {
                  type: 'object',
                  additionalProperties: false,
                  required: ['type'],
                  properties: {
                    type: { const: 'two-party' },
                    ...signerRef,
                  },
                },
              ],
            },
          },
        },
      },
    },
  },
} as const;
