/**
 * Walking a document's selections: the fields of a selection set through inline fragments and
 * fragment spreads (each fragment once, so a cycle cannot loop), for the guard's root fields, the
 * call log's operation names and the resolvers that read only what a query selects.
 */
import { Kind, type DocumentNode, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** A fragment's selection set by name. */
type Fragments = (name: string) => SelectionSetNode | undefined;

/** The fragments of a whole document. */
export function documentFragments(document: DocumentNode): Fragments {
  return (name) => {
    const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name);
    return fragment?.kind === Kind.FRAGMENT_DEFINITION ? fragment.selectionSet : undefined;
  };
}

/** The fields selected directly in `set` (not below them), in document order, repeats kept. */
export function fieldsOf(fragments: Fragments, set: SelectionSetNode, seen = new Set<string>()): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) fields.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) fields.push(...fieldsOf(fragments, s.selectionSet, seen));
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const fragment = fragments(s.name.value);
      if (fragment) fields.push(...fieldsOf(fragments, fragment, seen));
    }
  }
  return fields;
}

/** Answers of `selectsBelow` per field node: parsed documents are cached, so their nodes recur. */
const answered = new WeakMap<FieldNode, Map<string, boolean>>();

/** True when a field named `name` is selected anywhere below the field being resolved. */
export function selectsBelow(info: GraphQLResolveInfo, name: string): boolean {
  // The field's nodes all come from one document: the first stands for them.
  const key = info.fieldNodes[0]!;
  let known = answered.get(key);
  if (!known) answered.set(key, (known = new Map()));
  let found = known.get(name);
  if (found === undefined) {
    const fragments: Fragments = (f) => info.fragments[f]?.selectionSet;
    const seen = new Set<string>();
    const below = (set: SelectionSetNode | undefined): boolean =>
      !!set && fieldsOf(fragments, set, seen).some((f) => f.name.value === name || below(f.selectionSet));
    found = info.fieldNodes.some((node) => below(node.selectionSet));
    known.set(name, found);
  }
  return found;
}
