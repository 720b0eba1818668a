import { readFileSync } from 'node:fs';

/**
 * The stylesheet, the script and the icon, served from the package's `assets/` folder (beside `schemas/`,
 * two levels above this file in src/ and in dist/ alike): files, so the Content-Security-Policy can forbid
 * inline script and style, and nothing is fetched from a CDN.
 */
const ASSET_DIR = new URL('../../assets/', import.meta.url);

const ASSETS: Record<string, string> = {
  'dashboard.css': 'text/css; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

export interface Asset {
  type: string;
  body: Buffer;
}

/** Read once, at start: a missing file is a broken install and should fail loudly then, not on a request. */
export function loadAssets(): Map<string, Asset> {
  return new Map(Object.entries(ASSETS).map(([name, type]) => [name, { type, body: readFileSync(new URL(name, ASSET_DIR)) }]));
}
