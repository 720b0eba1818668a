/**
 * Orders a dependency graph into batches: every node's dependencies are in earlier batches, and the
 * nodes of one batch do not depend on each other, so a batch can run concurrently. Nodes on a cycle
 * cannot be ordered; they are returned as data for the caller to report.
 */
interface Sequenced<K> {
  batches: K[][];
  /** Nodes that are on, or depend on, a cycle. Empty for a well-formed plan. */
  cyclic: K[];
}

export function sequence<K>(nodes: readonly K[], dependenciesOf: (node: K) => readonly K[]): Sequenced<K> {
  const known = new Set(nodes);
  const remaining = new Map<K, number>();
  const dependents = new Map<K, K[]>();
  for (const node of nodes) {
    const deps = [...new Set(dependenciesOf(node))].filter((d) => known.has(d) && d !== node);
    remaining.set(node, deps.length);
    for (const dep of deps) {
      const list = dependents.get(dep);
      if (list) list.push(node);
      else dependents.set(dep, [node]);
    }
  }
  const batches: K[][] = [];
  let ready = nodes.filter((n) => remaining.get(n) === 0);
  const done = new Set<K>();
  while (ready.length > 0) {
    batches.push(ready);
    const next: K[] = [];
    for (const node of ready) {
      done.add(node);
      for (const dependent of dependents.get(node) ?? []) {
        const left = remaining.get(dependent)! - 1;
        remaining.set(dependent, left);
        if (left === 0) next.push(dependent);
      }
    }
    ready = next;
  }
  return { batches, cyclic: nodes.filter((n) => !done.has(n)) };
}
