/** One resource of a Kubernetes List, with its index in `items`. */
export interface ListItem {
  /** null: the item is not a mapping, so not a resource. */
  item: Record<string, unknown> | null;
  index: number;
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x);

/**
 * The items of a Kubernetes List (`kind: List`, as `kubectl get … -o yaml|json` prints what it finds, or a
 * typed `ServiceEntryList` from the API server), or null for any other document. An item of a typed list
 * that leaves out its apiVersion and kind (the API server's own lists do) takes the list's.
 */
export function kubernetesListItems(raw: unknown): ListItem[] | null {
  if (!isObject(raw) || typeof raw.kind !== 'string' || !raw.kind.endsWith('List')) return null;
  if (!Array.isArray(raw.items)) return null;
  const itemKind = raw.kind === 'List' ? undefined : raw.kind.slice(0, -'List'.length);
  return raw.items.map((item, index) => {
    if (!isObject(item)) return { item: null, index };
    if (itemKind === undefined || item.kind !== undefined) return { item, index };
    return { item: { apiVersion: raw.apiVersion, kind: itemKind, ...item }, index };
  });
}
