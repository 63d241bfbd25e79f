/**
 * `freeTree` (App.DB_MsSQL_Data.FreeTree) and the recursive `TreeNode`: a client nests
 * `children` as deep as it wants (within the server's depth limit); each level is one
 * statement, batched by the request's loader.
 */
import { refuse } from '../errors.js';
import { openTree, treeInput, type Tree, type TreeNode as Node } from '../operations/tree.js';
import { defaultOf } from './args.js';
import { builder } from './builder.js';
import { BusinessError } from './business-error.js';
import { ConditionsInput, OrderByInput, orderOf, whereOf } from './conditions.js';
import { opOf } from './context.js';

/** A row as the `TreeNode` type reads it: `id`, `parentId` and `values` are exposed getters over the row, read as properties (src/graphql/schema.ts). */
class TreeNodeParent {
  constructor(
    readonly node: Node,
    readonly tree: Tree,
  ) {}
  get id(): number {
    return this.node.id;
  }
  get parentId(): number | null {
    return this.node.parentId;
  }
  get values(): Node['values'] {
    return this.node.values;
  }
}

const inTree = (tree: Tree) => (nodes: Node[]): TreeNodeParent[] => nodes.map((node) => new TreeNodeParent(node, tree));

const TreeNode = builder.objectRef<TreeNodeParent>('TreeNode');

TreeNode.implement({
  description: 'A row of the tree: values typed as the legacy face answers them (id and parent integers, other columns text).',
  fields: (t) => ({
    id: t.exposeInt('id'),
    parentId: t.exposeInt('parentId', { nullable: true }),
    values: t.expose('values', { type: 'JSON', description: 'The selected columns, plus id and the parent field.' }),
    value: t.field({
      type: 'JSON',
      nullable: true,
      description: 'One selected column.',
      args: { column: t.arg.string({ required: true }) },
      resolve: (p, { column }) => {
        if (!Object.hasOwn(p.node.values, column)) throw refuse('TREE_COLUMN_NOT_SELECTED', { column });
        return p.node.values[column];
      },
    }),
    children: t.field({
      type: [TreeNode],
      description: 'The next level, with the same filter, selection and order. A row already in this tree is left out.',
      resolve: (p) => p.tree.children(p.node).then(inTree(p.tree)),
    }),
  }),
});

const f = treeInput.shape;

builder.queryField('freeTree', (t) =>
  t.field({
    type: [TreeNode],
    description: 'App.DB_MsSQL_Data.FreeTree: the rows of `table` (in the database registered as `db`) whose parent field holds `parentId`.',
    errors: { types: [BusinessError] },
    args: {
      db: t.arg.string({ required: true, description: 'The db_mark.', validate: f.dbMark }),
      table: t.arg.string({ required: true, description: 'The model_name (table_prefix is added).', validate: f.modelName }),
      parentField: t.arg.string({ defaultValue: defaultOf(f.parentField), description: 'An integer column holding the parent id.', validate: f.parentField }),
      parentId: t.arg.int({ defaultValue: defaultOf(f.parentId) }),
      where: t.arg({ type: ConditionsInput }),
      select: t.arg.stringList({ description: 'Columns to answer (id and the parent field always are); all when absent.' }),
      order: t.arg({ type: [OrderByInput] }),
    },
    resolve: async (_root, args, ctx) => {
      const tree = await openTree(opOf(ctx), {
        dbMark: args.db,
        modelName: args.table,
        parentField: args.parentField ?? defaultOf(f.parentField),
        where: whereOf(args.where),
        select: args.select ?? null,
        order: orderOf(args.order),
      });
      return tree.roots(args.parentId ?? defaultOf(f.parentId)).then(inTree(tree));
    },
  }),
);
