/**
 * The value of a MySQL string literal from the text between its quotes (node-sql-parser keeps
 * escapes as written). MySQL's default mode: a doubled quote is one quote; backslash escapes
 * per https://dev.mysql.com/doc/refman/8.0/en/string-literals.html, where `\%` and `\_` keep
 * their backslash so that LIKE can read them.
 */
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  '%': '\\%',
  _: '\\_',
};

export function decodeMysqlString(body: string, quote: "'" | '"'): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\' && i + 1 < body.length) {
      const next = body[++i]!;
      out += ESCAPES[next] ?? next;
    } else if (ch === quote && body[i + 1] === quote) {
      out += quote;
      i++;
    } else out += ch;
  }
  return out;
}
