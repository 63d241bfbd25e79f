/**
 * LIKE patterns as parts (any, one, text) so that every engine sees the same pattern: the
 * compiler escapes text parts with the dialect and always appends its ESCAPE clause.
 */
import type { Dialect } from '../db/dialect.js';
import type { LikePart } from './ast.js';

function push(parts: LikePart[], part: LikePart): void {
  const last = parts[parts.length - 1];
  if (part.kind === 'text' && last?.kind === 'text') parts[parts.length - 1] = { kind: 'text', text: last.text + part.text };
  else parts.push(part);
}

/** Reads a pattern whose wildcards are % and _, with `escape` (if any) making the next character literal. */
export function likeParts(pattern: string, escape: string | null): LikePart[] {
  const parts: LikePart[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === escape) {
      // A trailing escape character stands for itself.
      const next = chars[i + 1];
      push(parts, { kind: 'text', text: next ?? ch });
      i++;
    } else if (ch === '%') push(parts, { kind: 'any' });
    else if (ch === '_') push(parts, { kind: 'one' });
    else push(parts, { kind: 'text', text: ch });
  }
  return parts;
}

/**
 * A triple's LIKE value: without % it means "contains" (every character literal); with % it is
 * the caller's pattern, `_` a wildcard and `!` the escape character (the emitted ESCAPE '!').
 */
export function tripleLike(value: string): LikePart[] {
  if (!value.includes('%')) return value === '' ? [{ kind: 'any' }] : [{ kind: 'any' }, { kind: 'text', text: value }, { kind: 'any' }];
  return likeParts(value, '!');
}

/** The pattern text to bind; pair it with `dialect.likeEscapeClause`. */
export function renderLike(parts: readonly LikePart[], dialect: Dialect): string {
  return parts.map((p) => (p.kind === 'any' ? '%' : p.kind === 'one' ? '_' : dialect.escapeLike(p.text))).join('');
}
