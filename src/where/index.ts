/**
 * The condition language (docs/PROTOCOL.md §5): the only path from user text to SQL.
 *
 * Text (legacy `where`, `where_X`, `logic`, `order`, `select`/`fields`/`more_select`, `data`,
 * `data_X`; GraphQL inputs) is parsed into one typed AST (ast.ts). compileWhere/compileOrder
 * check it against the real table and emit parameterized SQL for a dialect: identifiers quoted,
 * every value bound, never pasted. Raw condition strings are parsed by a SQL parser and only an
 * allow-listed grammar is accepted (raw.ts; functions in functions.ts).
 *
 * Limits (each a 400 naming the parameter when exceeded):
 * - conditions: at most 100 per request (a triple is one; a raw string counts each comparison,
 *   IN, BETWEEN, LIKE, IS NULL and TRUE/FALSE in it);
 * - IN/NIN values: at most 1000 per list (triples and raw strings);
 * - nesting depth: at most 16 (groups, AND/OR, NOT, conditions, arithmetic and function calls
 *   each add a level; parentheses in a raw string at most 16 deep);
 * - raw condition string: at most 2000 characters, and 20000 for all of one request's;
 * - bound values per statement: at most the engine's (dialect.maxParams; SQL Server 2000);
 * - `order`: at most 32 terms; `select`: at most 1000 columns.
 */
export type { ArithOp, CompareOp, Condition, LikePart, Logic, Operator, OrderTerm, RawExpr, RawFunction, RawLiteral, RawValue, Scalar, Where } from './ast.js';
export { LIMITS, MORE_LIMITS } from './limits.js';
export { OPERATORS, operatorOf } from './operators.js';
export { parseWhereJson, parseWhereX, rawCondition, readLogic, readWhere, whereFromInput } from './parse.js';
export { parseRaw } from './raw.js';
export { compileWhere } from './compile.js';
export { compileOrder, parseOrder } from './order.js';
export { checkColumns, parseSelect } from './select.js';
export { checkData, dataObject, parseDataJson, readData } from './data.js';
export { textLength } from './values.js';
export { FUNCTIONS } from './functions.js';
