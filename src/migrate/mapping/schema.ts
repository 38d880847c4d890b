/**
 * JSON Schema (draft-07) of mappings/nixpkgs-to-stagex.yaml after YAML decoding.
 * Every object is closed so a misspelt key is an error, not a silently ignored field.
 */
const imageId = { type: 'string', pattern: '^(bootstrap|core|pallet|user)-[a-z0-9][a-z0-9._+-]*$' } as const;
const imageList = { type: 'array', items: imageId, uniqueItems: true } as const;
const attrList = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } as const;

const packageEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['images', 'confidence'],
  properties: {
    images: { ...imageList, minItems: 1 },
    confidence: { enum: ['exact', 'equivalent', 'partial'] },
    note: { type: 'string', minLength: 1 },
    aliases: attrList,
    runtime: imageList,
    outputs: { type: 'object', additionalProperties: { ...imageList, minItems: 1 } },
    variants: { ...imageList, minItems: 1 },
  },
} as const;

const serviceEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['images'],
  properties: {
    images: { ...imageList, minItems: 1 },
    runtime: imageList,
    user: { type: 'string', minLength: 1 },
    entrypoint: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    configFile: { type: 'string', pattern: '^[A-Za-z0-9._-]+$' },
    configPath: { type: 'string', pattern: '^/' },
    ports: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 65535 } },
    note: { type: 'string', minLength: 1 },
    aliases: attrList,
  },
} as const;

const noEquivalent = {
  type: 'object',
  additionalProperties: false,
  required: ['note'],
  properties: { nearest: { ...imageList, minItems: 1 }, note: { type: 'string', minLength: 1 } },
} as const;

const notPackaged = {
  type: 'object',
  additionalProperties: false,
  properties: {
    source: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: { url: { type: 'string', pattern: '^https://' }, hash: { type: 'string', pattern: '^sha256-[A-Za-z0-9+/]{43}=$' } },
    },
    note: { type: 'string', minLength: 1 },
  },
} as const;

const lists = (entry: object) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['packages', 'services'],
    properties: { packages: { type: 'object', additionalProperties: entry }, services: { type: 'object', additionalProperties: entry } },
  }) as const;

export const mappingSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'nixpkgs to stagex mapping',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'release', 'packages', 'services', 'unmapped', 'stagexOnly', 'closure'],
  properties: {
    version: { const: 1 },
    release: { type: 'string', pattern: '^\\d{4}\\.\\d{2}\\.\\d+$' },
    packages: { type: 'object', additionalProperties: packageEntry },
    services: { type: 'object', additionalProperties: serviceEntry },
    unmapped: {
      type: 'object',
      additionalProperties: false,
      required: ['desktop', 'no-equivalent', 'not-packaged'],
      properties: {
        desktop: {
          type: 'object',
          additionalProperties: false,
          required: ['packages', 'services'],
          properties: { packages: attrList, services: attrList },
        },
        'no-equivalent': lists(noEquivalent),
        'not-packaged': lists(notPackaged),
      },
    },
    stagexOnly: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['reason', 'images'],
        properties: { reason: { type: 'string', minLength: 1 }, images: { ...imageList, minItems: 1 } },
      },
    },
    closure: {
      type: 'object',
      additionalProperties: false,
      required: ['libraries', 'data', 'toolchainLibraries', 'buildOnly', 'interpreters', 'toolchainRuntime'],
      properties: {
        libraries: imageList,
        data: imageList,
        toolchainLibraries: imageList,
        buildOnly: imageList,
        interpreters: {
          type: 'object',
          propertyNames: imageId,
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: { packages: { type: 'string', minLength: 1 }, buildEnvs: imageList, installers: imageList, buildOnlyPackages: imageList },
          },
        },
        toolchainRuntime: { type: 'object', propertyNames: imageId, additionalProperties: imageList },
      },
    },
  },
} as const;
