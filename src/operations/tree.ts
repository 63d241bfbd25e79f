/**
 * Trees over an owner's table (App.DB_MsSQL_Data.FreeTree, GraphQL `freeTree`): the rows whose
 * parent field holds a given id, level by level.
 *
 * One level costs one statement whatever its breadth: GraphQL's resolvers read children through
 * a per-request DataLoader keyed by parent id, so every parent of a level is asked for in one
 * `IN (…)` (split only when the ids would exceed the engine's parameter limit); the legacy answer
 * reads its two levels the same way, directly. A row that is its own
 * ancestor never loops: an id is emitted at most once per tree, and a later level leaves it out.
 */
import DataLoader from 'dataloader';
import { z } from 'zod';
import type { Dialect } from '../db/dialect.js';
import { ident, inList, join, render, sql, type Sql } from '../db/sql.js';
import type { TableInfo } from '../db/store.js';
import { businessError, refuse } from '../errors.js';
import { checkColumns, compileOrder, compileWhere, type OrderTerm, type Where } from '../where/index.js';
import type { OperationContext } from './context.js';
import { databaseInput } from './database-input.js';
import { integerValue, onOwnerDatabase, openDirectTable, requireColumn, textValue, type DirectTable } from './direct-table.js';
import { int, text } from './input.js';

const SERVICE = 'App.DB_MsSQL_Data.FreeTree';
/** The legacy answer's key for the next level: a column of that name would collide with it. */
const CHILDREN_KEY = 'children_tree';

/** The plain fields of a tree query; `where`, `select` and `order` come from each face's own forms. */
export const treeInput = z.object({
  dbMark: databaseInput.shape.dbMark,
  /** Without the db_mark's table_prefix. */
  modelName: text({ min: 1, max: 64 }),
  /** An integer column holding the parent id. */
  parentField: text({ max: 64 }).default('parent_id'),
  /** The parent whose children form the first level. */
  parentId: int().default(0),
});

export interface TreeInput extends Omit<z.output<typeof treeInput>, 'parentId'> {
  readonly where: Where;
  /** Columns to answer besides id and the parent field; null for every column. */
  readonly select: readonly string[] | null;
  readonly order: readonly OrderTerm[];
}

export interface TreeNode {
  readonly id: number;
  readonly parentId: number | null;
  /** The selected columns plus id and the parent field, typed as the platform answers them. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** A level query, validated against the table: independent of any connection. */
export interface TreePlan {
  readonly table: TableInfo;
  readonly parentField: string;
  /** Answered columns: the selection in its order, then id and the parent field if missing. */
  readonly columns: readonly string[];
  readonly where: Where;
  readonly order: readonly OrderTerm[];
}

export interface TreeLevelQuery {
  /** Same fingerprint, same statements for the same parent ids (the loader's identity). */
  readonly fingerprint: string;
  /** The statements reading the children of `parentIds`: one, unless the ids must be split. */
  statements(parentIds: readonly number[]): Sql[];
}

/** Checks the table and the selection (where and order are checked as they compile). */
function planTree(t: DirectTable, input: TreeInput): TreePlan {
  if (t.table.byName.has(CHILDREN_KEY)) {
    throw businessError('TREE_CHILDREN_COLUMN', { table: t.modelName, column: CHILDREN_KEY });
  }
  if (t.table.byName.get('id')?.kind !== 'integer') throw businessError('ID_NOT_INTEGER', SERVICE, { table: t.modelName });
  requireColumn(t, 'parent_field', input.parentField, 'integer');
  let selected = t.table.columns.map((c) => c.name);
  if (input.select) {
    checkColumns([...input.select], t.table, 'select');
    selected = [...input.select];
  }
  const columns = [...new Set([...selected, 'id', input.parentField])];
  return { table: t.table, parentField: input.parentField, columns, where: input.where, order: input.order };
}

export function treeLevelQuery(plan: TreePlan, dialect: Dialect): TreeLevelQuery {
  const where = plan.where.items.length ? compileWhere(plan.where, plan.table, dialect, 'where') : null;
  // Without an order the engine's is arbitrary; id keeps answers stable.
  const order = compileOrder([...plan.order], plan.table, dialect, 'order') ?? sql`${ident('id')} ASC`;
  const room = dialect.maxParams - (where?.paramCount ?? 0) - order.paramCount;
  if (room < 1) throw refuse('TREE_NO_ROOM_FOR_PARENTS');
  const head = sql`SELECT ${join(plan.columns.map((c) => ident(c)))} FROM ${ident(plan.table.name)} WHERE `;
  const parent = ident(plan.parentField);
  // Parent first: each parent's children keep `order` (they are grouped by parent as they are
  // read), and an index on the parent field then hands the rows over in this order. Ordered by
  // `order` alone, a level of several parents needs a sort, and MySQL may choose to walk the
  // whole table in id order instead: 20,000 rows read for 190 (npm run bench, FreeTree).
  const sorted = sql` ORDER BY ${parent} ASC, ${order}`;
  const tail = where ? sql` AND (${where})${sorted}` : sorted;
  return {
    fingerprint: JSON.stringify(render(sql`${head}${parent} IN ()${tail}`, dialect)),
    statements(parentIds) {
      const out: Sql[] = [];
      for (let i = 0; i < parentIds.length; i += room) {
        out.push(sql`${head}${parent} IN (${inList(parentIds.slice(i, i + room), room)})${tail}`);
      }
      return out;
    },
  };
}

/**
 * A row read for `plan` as a node. The row holds exactly `plan.columns` (the statement selects
 * them), so its values are typed in place and the row itself becomes the node's values. Its keys
 * are walked with `for…in`, whose keyed reads V8 turns into plain field loads; a value already of
 * its type (text, a number id, null) is left as it is. Looping over `plan.columns` instead read
 * each value through a megamorphic keyed load: 25 µs more CPU for FreeTree's 200 rows.
 */
function toNode(row: Record<string, unknown>, parentField: string): TreeNode {
  for (const c in row) {
    const v = row[c];
    if (c === 'id' || c === parentField) {
      if (typeof v !== 'number' && v !== null) row[c] = integerValue(v);
    } else if (typeof v !== 'string' && v !== null) row[c] = textValue(v);
  }
  return { id: Number(row.id), parentId: row[parentField] as number | null, values: row };
}

/** A table's level query, with what reading it needs: independent of the request's parents. */
interface Level {
  readonly ctx: OperationContext;
  readonly table: DirectTable;
  readonly plan: TreePlan;
  readonly query: TreeLevelQuery;
}

/** The children of `parentIds`, grouped by parent in the level's order: one statement (a few when split). */
async function readChildren(level: Level, parentIds: readonly number[]): Promise<Map<number, TreeNode[]>> {
  const byParent = new Map<number, TreeNode[]>();
  for (const statement of level.query.statements(parentIds)) {
    const rows = await onOwnerDatabase(level.ctx, SERVICE, () => level.table.store.query(statement));
    for (const row of rows) {
      const node = toNode(row, level.plan.parentField);
      const siblings = byParent.get(node.parentId!);
      if (siblings) siblings.push(node);
      else byParent.set(node.parentId!, [node]);
    }
  }
  return byParent;
}

/** The table and its level query for `input`, checked. */
async function openLevel(ctx: OperationContext, input: TreeInput): Promise<Level> {
  const table = await openDirectTable(ctx, SERVICE, input.dbMark, input.modelName);
  const plan = planTree(table, input);
  return { ctx, table, plan, query: treeLevelQuery(plan, table.store.dialect) };
}

/** The request's loader of children by parent id, shared by every tree of the same shape. */
function childrenLoader(level: Level): DataLoader<number, TreeNode[]> {
  return level.ctx.loader(`tree:${level.table.db.id}:${level.query.fingerprint}`, () =>
    new DataLoader<number, TreeNode[]>(async (parentIds) => {
      const byParent = await readChildren(level, parentIds);
      return parentIds.map((id) => byParent.get(id) ?? []);
    }),
  );
}

/** Emits each id once per tree: `fresh` keeps the nodes not emitted yet, in order, and marks them. */
function onceEach(): (nodes: readonly TreeNode[]) => TreeNode[] {
  const emitted = new Set<number>();
  return (nodes) => {
    const fresh = nodes.filter((n) => !emitted.has(n.id));
    for (const n of fresh) emitted.add(n.id);
    return fresh;
  };
}

/** One tree of one request: each id is emitted once. */
export interface Tree {
  /** The first level: the rows whose parent field holds `parentId`. */
  roots(parentId: number): Promise<TreeNode[]>;
  /** The level under `node` (the same answer however often it is asked for). */
  children(node: TreeNode): Promise<TreeNode[]>;
}

export async function openTree(ctx: OperationContext, input: TreeInput): Promise<Tree> {
  const loader = childrenLoader(await openLevel(ctx, input));
  const fresh = onceEach();
  const expanded = new WeakMap<TreeNode, Promise<TreeNode[]>>();
  const unseen = (parentId: number) => loader.load(parentId).then(fresh);
  return {
    roots: unseen,
    children(node) {
      let nodes = expanded.get(node);
      if (!nodes) {
        nodes = unseen(node.id);
        expanded.set(node, nodes);
      }
      return nodes;
    },
  };
}

export type LegacyTreeNode = Record<string, unknown>;

/**
 * The legacy answer: the nodes under `parentId`, each with `children_tree` holding the next
 * level (always present), whose items carry no `children_tree` of their own (docs/PROTOCOL.md §6.7).
 * Both levels are known in full, so they are read straight, without the loader GraphQL's
 * resolvers need; each id is emitted once, top level first, then each top node's children in turn.
 */
export async function freeTree(ctx: OperationContext, input: TreeInput & { readonly parentId: number }): Promise<{ tree: LegacyTreeNode[] }> {
  const level = await openLevel(ctx, input);
  const fresh = onceEach();
  const top = fresh((await readChildren(level, [input.parentId])).get(input.parentId) ?? []);
  const below = top.length ? await readChildren(level, top.map((n) => n.id)) : new Map<number, TreeNode[]>();
  return { tree: top.map((n) => ({ ...n.values, [CHILDREN_KEY]: fresh(below.get(n.id) ?? []).map((c) => c.values) })) };
}
