export { loadManifests, loadProjectConfig, type LoadOptions } from './load-manifests.js';
export { DIAGNOSTIC_CODES, type DiagnosticCode } from './codes.js';
export { KINDS } from './kinds.js';
export { DEFAULT_MANIFEST_GLOBS, DEFAULT_MAX_LOOKUPS, normalizeApiUrl } from './config.js';
export { MAX_FILE_BYTES } from './read-source.js';
export { SCHEMA_DIR } from './schemas.js';
export type * from './types.js';
export { changedDocuments, identityOf, type DocumentValue, type FileVersions } from './document-values.js';
