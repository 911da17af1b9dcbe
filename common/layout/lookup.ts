// Finding a type by the name a user types: a typedef ("item_t"), a tag with its keyword
// ("struct shm"), or a tag without it ("shm").
import type { Declarations, NamedType } from './types';

export function findType(declarations: Declarations, name: string): NamedType | undefined {
  const wanted = name.trim().replace(/\s+/g, ' ');
  const { types } = declarations;
  return types.find((t) => t.name === wanted) ??
    types.find((t) => /^(struct|union|enum) /.test(t.name) && t.name.slice(t.name.indexOf(' ') + 1) === wanted);
}

/** The structs and unions, each once (a typedef of a tagged record is the same record), in order. */
export function recordTypes(declarations: Declarations): NamedType[] {
  const seen = new Set<unknown>();
  const out: NamedType[] = [];
  for (const named of declarations.types) {
    if (named.type.kind !== 'record' || seen.has(named.type)) continue;
    seen.add(named.type);
    out.push(named);
  }
  return out;
}
