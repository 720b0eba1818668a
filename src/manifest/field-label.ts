/** `/spec/pixels/0/state` -> `spec.pixels[0].state` */
export function fieldLabel(pointer: string): string {
  let label = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    label += /^\d+$/.test(segment) ? `[${segment}]` : label === '' ? segment : `.${segment}`;
  }
  return label;
}
