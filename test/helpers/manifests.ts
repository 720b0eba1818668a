/** YAML text for manifests, so e2e tests read like the files users write. */

export const CONFIG = `apiVersion: xandr-sync/v1
kind: Config
member_id: 958
`;

export const SEED = {
  'xandr-sync.yaml': CONFIG,
  'segments.yaml': `apiVersion: xandr-sync/v1
kind: Segment
metadata:
  name: retargeting-segment
spec:
  advertiser_id: 1234
  short_name: Retargeting Segment
  expire_minutes: 20160
`,
  'pixels.yaml': `apiVersion: xandr-sync/v1
kind: ConversionPixel
metadata:
  name: conversion-pixel
spec:
  advertiser_id: 1234
  name: Conversion Pixel
  trigger_type: hybrid
`,
  'line-items.yaml': `apiVersion: xandr-sync/v1
kind: LineItemPixels
metadata:
  name: line-item-205
spec:
  advertiser_id: 1234
  line_item_id: 205
  policy: authoritative
  pixels:
    - pixel: conversion-pixel
      state: active
      post_click_revenue: 100
      post_view_revenue: 50
`,
};

export function segmentYaml(name: string, fields: Record<string, string | number>): string {
  const spec = Object.entries(fields)
    .map(([k, v]) => `  ${k}: ${typeof v === 'string' ? JSON.stringify(v) : v}`)
    .join('\n');
  return `apiVersion: xandr-sync/v1\nkind: Segment\nmetadata:\n  name: ${name}\nspec:\n${spec}\n`;
}

export function pixelYaml(name: string, advertiserId: number, fields: Record<string, string | number> = {}): string {
  const spec = Object.entries({ advertiser_id: advertiserId, name: `Pixel ${name}`, ...fields })
    .map(([k, v]) => `  ${k}: ${typeof v === 'string' ? JSON.stringify(v) : v}`)
    .join('\n');
  return `apiVersion: xandr-sync/v1\nkind: ConversionPixel\nmetadata:\n  name: ${name}\nspec:\n${spec}\n`;
}

export function bindingYaml(
  name: string,
  spec: { advertiser_id: number; line_item_id?: number; line_item_code?: string; policy?: string },
  pixels: Record<string, string | number | null>[],
): string {
  const head = Object.entries(spec).map(([k, v]) => `  ${k}: ${v}`);
  const entries = pixels.map((p) =>
    Object.entries(p)
      .map(([k, v], i) => `${i === 0 ? '    - ' : '      '}${k}: ${v === null ? 'null' : v}`)
      .join('\n'),
  );
  const list = entries.length ? ['  pixels:', ...entries] : ['  pixels: []'];
  return ['apiVersion: xandr-sync/v1', 'kind: LineItemPixels', 'metadata:', `  name: ${name}`, 'spec:', ...head, ...list, ''].join('\n');
}

/** Many documents in one file. */
export function docs(...yaml: string[]): string {
  return yaml.join('---\n');
}
