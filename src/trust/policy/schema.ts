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
      description: 'An armored OpenPGP certificate, one SSH public key line ("ssh-ed25519 AAAA… comment") or a Nix binary-cache public key ("name:base64").',
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['path'],
      properties: {
        path: {
          type: 'string',
          minLength: 1,
          description: 'File with an armored or binary OpenPGP certificate, SSH public key lines or Nix public keys; relative to the policy file.',
        },
      },
    },
  ],
} as const;

/** Images and caches take threshold rules only (two-party judges git history). */
const artifactRules = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['type'],
    properties: { type: { type: 'string' } },
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
    ],
  },
} as const;

export const policySchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: POLICY_SCHEMA_ID,
  title: 'nixharden trust policy',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'signers'],
  // A policy governs commits, images, caches or any mix of them, but something.
  anyOf: [{ required: ['repositories'] }, { required: ['images'] }, { required: ['caches'] }],
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
          'require-signed-tag': {
            type: 'boolean',
            description: '`nixharden pin` accepts a tag pin only when the annotated tag object itself satisfies the rules, not just the tagged commit (default false).',
          },
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
    images: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['prefix', 'lookaside', 'rules'],
        properties: {
          prefix: {
            type: 'string',
            minLength: 1,
            description: 'Image references this entry covers: a registry host and optional path, e.g. docker.io/stagex.',
          },
          lookaside: {
            type: 'string',
            minLength: 1,
            description: 'Where signatures live: an http(s):// or file:// URL, or a directory (relative to the policy file).',
          },
          remap: {
            type: 'object',
            additionalProperties: false,
            required: ['prefix', 'signed-prefix'],
            properties: {
              prefix: { type: 'string', minLength: 1, description: 'References under this prefix (e.g. quay.io/stagex)…' },
              'signed-prefix': { type: 'string', minLength: 1, description: '…are signed as this prefix (e.g. docker.io/stagex), as containers-policy.json remapIdentity.' },
            },
          },
          rules: artifactRules,
        },
      },
    },
    caches: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['urls', 'rules'],
        properties: {
          urls: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string', pattern: '^(https?|file)://', description: 'A binary cache: https://, http:// or file:// URL.' },
          },
          agree: { type: 'boolean', description: 'NarHash and NarSize must agree across the caches (default true).' },
          rules: artifactRules,
        },
      },
    },
  },
} as const;
