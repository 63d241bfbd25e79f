/**
 * A lexical pass over a raw condition string before the SQL parser sees it. The parser skips
 * comments (and MySQL would run the body of a `/*! … *\/` one), so comments, statement
 * separators and variables are refused here, outside string literals, with MySQL's own rules
 * for where a literal ends (backslash escapes, doubled quotes).
 */
import { isIdentifier } from '../db/sql.js';
import { LIMITS } from './limits.js';

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Why a raw string is refused, or null when it may go on to the parser. */
export function scanRaw(text: string): string | null {
  if (text.trim() === '') return '不能为空';
  if (text.length > LIMITS.rawLength) return `不能超过${LIMITS.rawLength}个字符`;
  if (CONTROL.test(text)) return '不允许含有控制字符（如NUL）';
  let depth = 0;
  // Stryker disable next-line EqualityOperator: at i = length the character is undefined and matches nothing
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    // Stryker disable next-line ArithmeticOperator: the pairs looked for read the same backwards (--, /* and */), so the previous character finds them too
    const next = text[i + 1];
    if (ch === "'" || ch === '"') {
      const end = stringEnd(text, i);
      // Stryker disable next-line EqualityOperator: a closing quote is never at index 0
      if (end < 0) return '中的字符串没有结束引号';
      i = end;
    } else if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      // Stryker disable next-line EqualityOperator: a closing backtick is never at index 0
      if (end < 0 || !isIdentifier(text.slice(i + 1, end))) return '中反引号只能用于普通字段名';
      i = end;
    } else if (ch === '#' || (ch === '-' && next === '-') || (ch === '/' && next === '*') || (ch === '*' && next === '/')) {
      return '不允许含有注释（--、#、/* */）';
    } else if (ch === ';') return '不允许含有分号（多条语句）';
    else if (ch === '@') return '不允许使用变量（@x、@@x）';
    else if (ch === '(') {
      if (++depth > LIMITS.depth) return `的括号嵌套不能超过${LIMITS.depth}层`;
    } else if (ch === ')') depth--;
  }
  return null;
}

/**
 * Index of the quote ending the literal opened at `start`, or -1. A doubled quote inside the
 * literal ends it and opens the next one at once, which is all the scan needs to know.
 */
function stringEnd(text: string, start: number): number {
  const q = text[start];
  // Stryker disable next-line EqualityOperator: at i = length the character is undefined and matches nothing
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === q) return i;
  }
  return -1;
}
