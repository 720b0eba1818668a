/**
 * Every diagnostic code the loader can produce. Codes are part of the user-facing contract (scripts match on
 * them, docs/manifests.md explains each): add new ones, never rename.
 */
export const DIAGNOSTIC_CODES = [
  // files and paths
  'path-not-found',
  'not-a-file',
  'read-error',
  'outside-root',
  'no-manifests',
  'file-too-large',
  'not-utf8',
  // YAML
  'yaml-syntax',
  'duplicate-key',
  'alias-not-allowed',
  'tag-not-allowed',
  'too-deep',
  'forbidden-key',
  'unsafe-integer',
  // documents and fields
  'unknown-api-version',
  'unknown-kind',
  'config-location',
  'untrusted-api-url',
  'unknown-field',
  'missing-field',
  'invalid-type',
  'invalid-value',
  'conflicting-fields',
  'hidden-characters',
  'spec-identity-field',
  'line-item-selector',
  'pixel-selector',
  'too-many-pixels',
  'segment-selector',
  'null-segment-target',
  'too-many-segments',
  'too-many-segment-groups',
  'console-uneditable-targeting',
  // across documents
  'duplicate-name',
  'unknown-pixel',
  'pixel-advertiser-mismatch',
  'duplicate-pixel',
  'duplicate-line-item',
  'unknown-segment',
  'segment-advertiser-mismatch',
  'duplicate-segment',
  'previous-name-is-current',
  'duplicate-previous-name',
  'previous-name-conflict',
  // a file with too many problems to be worth listing
  'too-many-problems',
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];
