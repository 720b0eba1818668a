// Moved to src/render/style.ts; kept until every importer has moved.
export * from '../render/style.js';
