/**
 * Raw condition strings (the platform's "写法2"): parsed by node-sql-parser's MySQL grammar as
 * `SELECT * FROM t WHERE <text>`, then converted node by node into RawExpr through an
 * allow-list. Anything the list does not name is a 400 saying what was refused. The parser's
 * tree is never turned back into SQL: the compiler emits RawExpr with bound literals.
 *
 * Accepted: columns (bare or `backticked`, no qualifier), number/string/TRUE/FALSE/NULL
 * literals, = <> != < <= > >=, AND && OR NOT (AND and OR mixed only with parentheses),
 * IN/NOT IN (literal list), BETWEEN/NOT BETWEEN, LIKE/NOT LIKE (string literal pattern,
 * optional one-character ESCAPE), IS [NOT] NULL, + - * / % MOD and unary minus, parentheses,
 * and the functions of functions.ts.
 */
import sqlParser from 'node-sql-parser/build/mysql.js';
import { isIdentifier } from '../db/sql.js';
import { refuse as refusal } from '../errors.js';
import type { CompareOp, LikePart, RawExpr, RawLiteral, RawValue } from './ast.js';
import { quote, show } from './quote.js';
import { FUNCTIONS } from './functions.js';
import { likeParts } from './like.js';
import { LIMITS } from './limits.js';
import { decodeMysqlString } from './mysql-string.js';
import { scanRaw } from './raw-scan.js';

type Node = Record<string, unknown>;

const parser = new sqlParser.Parser();
const PREFIX = 'SELECT * FROM t WHERE ';
// Stryker disable next-line ObjectLiteral: the MySQL build of the parser reads MySQL with or without the option
const OPTIONS = { database: 'MySQL' };

/** Thrown inside the conversion; parseRaw turns it into a 400 naming the parameter. */
class Refused extends Error {}

const refuse = (detail: string): never => {
  throw new Refused(detail);
};

function stripWhere(ast: Node): Node {
  const rest = { ...ast };
  delete rest.where;
  return rest;
}

/** Everything `SELECT * FROM t WHERE 1` has besides its WHERE: a raw string may add nothing to it. */
const SKELETON = stripWhere(parser.astify(`${PREFIX}1`, OPTIONS) as unknown as Node);

const CLAUSES: Readonly<Record<string, string>> = {
  _next: 'UNION',
  // Stryker disable next-line StringLiteral: set_op always comes with _next, which is met first
  set_op: 'UNION',
  orderby: 'ORDER BY',
  limit: 'LIMIT',
  groupby: 'GROUP BY',
  having: 'HAVING',
  into: 'INTO',
  locking_read: 'FOR UPDATE / LOCK IN SHARE MODE',
  window: 'WINDOW',
  collate: 'COLLATE',
};

function extraClause(ast: Node): string | null {
  const rest = stripWhere(ast);
  const keys = new Set([...Object.keys(rest), ...Object.keys(SKELETON)]);
  for (const k of keys) {
    if (JSON.stringify(rest[k]) !== JSON.stringify(SKELETON[k])) return CLAUSES[k] ?? k;
  }
  return null;
}

/** Parses and allow-lists one raw condition string; 400 (naming `param`) for anything else. */
export function parseRaw(text: string, param = 'where'): RawExpr {
  const at = { param, text: show(text) };
  const problem = scanRaw(text);
  if (problem) throw refusal('RAW_UNSAFE', { ...at, problem });
  let ast: unknown;
  try {
    ast = parser.astify(PREFIX + text, OPTIONS);
  } catch (err) {
    // Stryker disable next-line OptionalChaining,ConditionalExpression,StringLiteral: every error of the parser carries its location; this guards against a future one that does not
    const col = (err as { location?: { start?: { offset?: number } } }).location?.start?.offset;
    // Stryker disable next-line ConditionalExpression,StringLiteral: as above
    if (typeof col !== 'number') throw refusal('RAW_SYNTAX', at);
    throw refusal('RAW_SYNTAX_AT', { ...at, position: Math.max(col - PREFIX.length, 0) + 1 });
  }
  // Stryker disable next-line ConditionalExpression,StringLiteral: only `;` makes several statements, and scanRaw refuses it first
  if (Array.isArray(ast)) throw refusal('RAW_STATEMENTS', at);
  const clause = extraClause(ast as Node);
  if (clause) throw refusal('RAW_CLAUSE', { ...at, clause });
  try {
    return predicate((ast as Node).where);
  } catch (err) {
    // Stryker disable next-line ConditionalExpression: the conversion throws nothing but Refused
    if (err instanceof Refused) throw refusal('RAW_REFUSED', { ...at, what: err.message });
    throw err;
  }
}

/** Keys that may appear on any accepted node besides its own. */
// Stryker disable next-line StringLiteral: `loc` appears only when the parser is asked for locations, which parseRaw never does
const COMMON = new Set(['type', 'parentheses', 'loc']);

const KEY_NAMES: Readonly<Record<string, string>> = {
  collate: 'COLLATE',
  suffix: 'COLLATE / USING',
  prefix: '字符集前缀或BINARY',
  db: '库名限定',
  table: '表名限定',
  over: '窗口函数（OVER）',
};

/** Refuses a node carrying anything beyond the keys its conversion reads. */
function only(node: Node, keys: readonly string[]): void {
  for (const [k, v] of Object.entries(node)) {
    if (COMMON.has(k) || keys.includes(k)) continue;
    // The parser marks what is absent with null (never undefined or false).
    if (v === null) continue;
    refuse(KEY_NAMES[k] ?? `语法成分 ${k}`);
  }
}

function asNode(v: unknown): Node {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: the parser gives an object wherever a node is read; this guards against a future one
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return refuse('无法识别的表达式');
  const node = v as Node;
  if ('ast' in node) refuse('子查询');
  return node;
}

const COMPARE: Readonly<Record<string, CompareOp>> = { '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const ARITH = new Set(['+', '-', '*', '/', '%', 'MOD']);

/** A node where a condition (something true or false) is expected. */
function predicate(v: unknown): RawExpr {
  const node = asNode(v);
  switch (node.type) {
    case 'binary_expr':
      return binaryPredicate(node);
    case 'unary_expr':
      only(node, ['operator', 'expr']);
      if (upper(node.operator) === 'NOT') {
        if (logicOf(node.expr)) refuse('NOT后面的AND/OR须用括号，如 NOT (a = 1 OR b = 2)');
        return { kind: 'not', operand: predicate(node.expr) };
      }
      if (node.operator === '!') return refuse('运算符 !（请用NOT）');
      return refuse('这里需要条件（比较、IN、LIKE、IS NULL等），而不是值');
    case 'function':
      if (functionName(node) === 'NOT') {
        const args = functionArgs(node);
        if (args.length === 1) return { kind: 'not', operand: predicate(args[0]) };
      }
      value(node);
      return refuse('这里需要条件（比较、IN、LIKE、IS NULL等），而不是值');
    case 'bool':
      only(node, ['value']);
      return { kind: 'truth', value: node.value === true };
    default:
      value(node);
      return refuse('这里需要条件（比较、IN、LIKE、IS NULL等），而不是值');
  }
}

function binaryPredicate(node: Node): RawExpr {
  only(node, ['operator', 'left', 'right']);
  const op = upper(node.operator);
  if (op === 'AND' || op === '&&' || op === 'OR') {
    const logic = op === 'OR' ? 'or' : 'and';
    for (const side of [node.left, node.right]) {
      if (logicOf(side) === (logic === 'or' ? 'and' : 'or')) refuse('AND与OR混用时须用括号标明先后，如 a = 1 AND (b = 2 OR c = 3)');
    }
    const items = [predicate(node.left), predicate(node.right)].flatMap((e) =>
      // Stryker disable next-line ConditionalExpression: only a logic node has a `logic`, so the kind test only narrows the type
      e.kind === 'logic' && e.logic === logic ? e.items : [e],
    );
    return { kind: 'logic', logic, items };
  }
  const compare = COMPARE[op];
  if (compare) return { kind: 'compare', op: compare, left: value(node.left), right: value(node.right) };
  const negated = op.startsWith('NOT ');
  switch (negated ? op.slice(4) : op) {
    case 'IN': {
      const list = exprList(node.right, '列表');
      // Stryker disable next-line ConditionalExpression,EqualityOperator: 1000 values take 1999 characters, and scanRaw allows 2000 in all; kept for a longer limit
      if (list.length > LIMITS.inValues) refuse(`IN的值超过${LIMITS.inValues}个`);
      return { kind: 'in', negated, operand: value(node.left), list: list.map(literal) };
    }
    case 'BETWEEN': {
      const [low, high, ...more] = exprList(node.right, 'BETWEEN');
      // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: the grammar gives BETWEEN exactly two bounds; this guards against a future parser
      if (low === undefined || high === undefined || more.length) return refuse('BETWEEN需要两个值');
      return { kind: 'between', negated, operand: value(node.left), low: value(low), high: value(high) };
    }
    case 'LIKE':
      return { kind: 'like', negated, operand: value(node.left), pattern: likePattern(node.right) };
  }
  if (op === 'IS' || op === 'IS NOT') {
    const right = asNode(node.right);
    if (right.type !== 'null') refuse('IS 只能跟 NULL（IS NULL / IS NOT NULL）');
    return { kind: 'isNull', negated: op === 'IS NOT', operand: value(node.left) };
  }
  if (op === '||') return refuse('运算符 ||（请用OR）');
  if (ARITH.has(op) || op === 'DIV') {
    value(node);
    return refuse('这里需要条件（比较、IN、LIKE、IS NULL等），而不是值');
  }
  return refuse(`运算符 ${op}`);
}

/**
 * The AND/OR of a node not written in parentheses. node-sql-parser 5.4 gives AND and OR the
 * same precedence (MySQL binds AND tighter), so such a node under the other operator or under
 * NOT may not mean what MySQL would read: the caller must parenthesize.
 */
function logicOf(v: unknown): 'and' | 'or' | null {
  // Only a binary_expr has an AND/OR operator, so the operator alone says it.
  const node = v as Node;
  if (node.parentheses) return null;
  const op = upper(node.operator);
  return op === 'OR' ? 'or' : op === 'AND' || op === '&&' ? 'and' : null;
}

function exprList(v: unknown, what: string): unknown[] {
  const node = asNode(v);
  if (node.type !== 'expr_list' || !Array.isArray(node.value)) return refuse(`${what}只能是括号中的值列表`);
  only(node, ['value']);
  return node.value;
}

function likePattern(v: unknown): LikePart[] {
  const node = asNode(v);
  if (node.type !== 'single_quote_string' && node.type !== 'double_quote_string') refuse('LIKE的模式只能是字符串字面量');
  only(node, ['value', 'escape']);
  const pattern = stringValue(node);
  // SQLite's LIKE stops reading a pattern at NUL (here from a \0 escape).
  if (pattern.includes('\0')) refuse('LIKE的模式不能含有NUL字符');
  let escape: string | null = '\\';
  if (node.escape) {
    const clause = asNode(node.escape);
    const esc = asNode(clause.value);
    if (esc.type !== 'single_quote_string' && esc.type !== 'double_quote_string') refuse('ESCAPE只能是字符串字面量');
    only(esc, ['value']);
    const chars = [...stringValue(esc)];
    if (chars.length > 1) refuse('ESCAPE只能是一个字符');
    escape = chars[0] ?? null;
  }
  return likeParts(pattern, escape);
}

function stringValue(node: Node): string {
  return decodeMysqlString(String(node.value), node.type === 'double_quote_string' ? '"' : "'");
}

/** A literal of an IN list. */
function literal(v: unknown): RawLiteral {
  const node = value(v);
  if (node.kind !== 'literal') return refuse('IN列表中只能是字面量（数字、字符串、TRUE、FALSE、NULL）');
  return node;
}

function numberLiteral(text: unknown): RawLiteral {
  const s = String(text);
  const n = Number(s);
  if (!Number.isFinite(n)) return refuse(`数字 ${show(s)}`);
  // The parser's numbers carry no sign or space: `-5` is a unary minus.
  if (/^\d+$/.test(s) && !Number.isSafeInteger(n)) return refuse(`数字 ${show(s)} 超出范围`);
  return { kind: 'literal', value: n };
}

const REFUSED_TYPES: Readonly<Record<string, string>> = {
  aggr_func: '聚合函数',
  var: '变量',
  param: '占位符',
  origin: '关键字或占位符',
  case: 'CASE表达式',
  cast: 'CAST/CONVERT',
  convert: 'CAST/CONVERT',
  interval: 'INTERVAL',
  expr_list: '行构造器（括号中的多个值）',
  fulltext_search: 'MATCH … AGAINST',
  hex_string: '十六进制字面量',
  full_hex_string: '十六进制字面量',
  bit_string: '位串字面量',
  natural_string: "N'…'字面量",
  backticks_quote_string: '反引号字符串',
  date: 'DATE/TIME字面量',
  time: 'DATE/TIME字面量',
  datetime: 'DATE/TIME字面量',
  timestamp: 'DATE/TIME字面量',
};

/** A node where a value is expected. */
function value(v: unknown): RawValue {
  const node = asNode(v);
  switch (node.type) {
    case 'column_ref':
      return column(node);
    case 'number':
    case 'bigint':
      only(node, ['value']);
      return numberLiteral(node.value);
    case 'single_quote_string':
    case 'double_quote_string':
      only(node, ['value']);
      return { kind: 'literal', value: stringValue(node) };
    case 'bool':
      only(node, ['value']);
      return { kind: 'literal', value: node.value === true };
    case 'null':
      // Stryker disable next-line ArrayDeclaration,StringLiteral: a NULL node's value is null, which only() passes anyway
      only(node, ['value']);
      return { kind: 'literal', value: null };
    case 'unary_expr': {
      only(node, ['operator', 'expr']);
      if (node.operator === '+') return value(node.expr);
      if (node.operator !== '-') {
        predicate(node);
        return refuse('这里需要值，而不是条件');
      }
      const operand = value(node.expr);
      if (operand.kind === 'literal' && typeof operand.value === 'number') return { kind: 'literal', value: -operand.value };
      return { kind: 'negate', operand };
    }
    case 'binary_expr': {
      only(node, ['operator', 'left', 'right']);
      const op = upper(node.operator);
      if (ARITH.has(op)) {
        const arith = op === 'MOD' ? '%' : (op as '+' | '-' | '*' | '/' | '%');
        return { kind: 'arith', op: arith, left: value(node.left), right: value(node.right) };
      }
      if (op === 'DIV') return refuse('运算符 DIV（请用 / 或 ROUND）');
      predicate(node);
      return refuse('这里需要值，而不是条件');
    }
    case 'function':
      return call(node);
    default:
      // The parser gives `*` (as in `id = *` or `LOWER(*)`) as a node without a type.
      if (node.type === undefined && (node as { expr?: { column?: unknown } }).expr?.column === '*') return refuse('通配符 *');
      return refuse(REFUSED_TYPES[String(node.type)] ?? `语法成分 ${show(String(node.type))}`);
  }
}

function column(node: Node): RawValue {
  only(node, ['column']);
  const name = node.column;
  if (typeof name !== 'string') return refuse('字段名只能是普通名字');
  if (/^[0-9]/.test(name)) return refuse(`数字写法 ${show(name)}（只支持十进制数字，如 12、1.5）`);
  if (!isIdentifier(name)) return refuse(`字段名 ${quote(name)}`);
  return { kind: 'column', name };
}

function functionName(node: Node): string | null {
  const name = node.name as { name?: unknown; schema?: unknown } | undefined;
  if (!name || name.schema || !Array.isArray(name.name) || name.name.length !== 1) return null;
  const part = name.name[0] as { type?: unknown; value?: unknown };
  if (part.type !== 'default' && part.type !== 'origin') return null;
  return upper(part.value);
}

function functionArgs(node: Node): unknown[] {
  only(node, ['name', 'args']);
  if (node.args === undefined || node.args === null) return [];
  return exprList(node.args, '函数参数');
}

function call(node: Node): RawValue {
  const name = functionName(node);
  // The parser reads `NOT (a) / 2 = 1` as a call NOT(a) divided by 2, where MySQL negates the whole comparison.
  if (name === 'NOT') return refuse('NOT (…) 后面又接了运算，请把整个条件放进括号，如 NOT ((a) / 2 = 1)');
  // Stryker disable next-line ConditionalExpression: FUNCTIONS.get(null) is undefined as well
  const spec = name === null ? undefined : FUNCTIONS.get(name);
  if (!spec) {
    const shown = name ?? '（无法识别的函数名）';
    return refuse(`函数 ${shown}（允许的函数：${[...FUNCTIONS.keys()].join('、')}）`);
  }
  const args = functionArgs(node);
  if (args.length < spec.minArgs || args.length > spec.maxArgs) {
    const want = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs}到${spec.maxArgs}`;
    return refuse(`函数 ${name} 需要${want}个参数，但现在有${args.length}个`);
  }
  const values = args.map(value);
  if (spec.fn === 'MOD') return { kind: 'arith', op: '%', left: values[0]!, right: values[1]! };
  if (spec.fn === 'ROUND' && values[1]) {
    // Only a literal has a value; anything else (undefined) is no integer either.
    const digits = (values[1] as { value?: unknown }).value;
    if (!Number.isInteger(digits) || Math.abs(digits as number) > 30) {
      return refuse('ROUND的第二个参数只能是-30到30的整数');
    }
  }
  return { kind: 'call', fn: spec.fn, args: values };
}

function upper(v: unknown): string {
  // Stryker disable next-line StringLiteral: no operator the callers look for is the fallback, whatever it says
  return typeof v === 'string' ? v.toUpperCase() : '';
}
