import { freeTree, treeInput } from '../../operations/tree.js';
import { text } from '../../operations/input.js';
import { parseOrder, parseSelect, readWhere } from '../../where/index.js';
import { rule } from '../rules.js';
import { defineService } from '../service.js';

const f = treeInput.shape;

export const freeTreeService = defineService({
  name: 'App.DB_MsSQL_Data.FreeTree',
  summary: 'Two levels of a tree in a table of a registered database: the nodes under parent_id, each with children_tree.',
  params: {
    model_name: rule(f.modelName, 'table name, without the table_prefix of the db_mark'),
    db_mark: rule(f.dbMark, 'a database registered with App.DB_MsSQL_Config.AddNewDatabaseConfig'),
    parent_field: rule(f.parentField, 'integer column holding the parent id'),
    parent_id: rule(f.parentId, 'the parent whose children form the first level'),
    where: rule(text().optional(), 'JSON conditions, e.g. [["id", ">=", 1]]; where_X parameters take precedence'),
    logic: rule(text().optional(), 'and (default) or or, joining the conditions'),
    select: rule(text().optional(), 'comma-separated columns; id and parent_field are always answered'),
    order: rule(text().optional(), 'JSON array, e.g. ["id DESC"]; RAND for random; id ascending by default'),
  },
  run: (ctx, p, raw) =>
    freeTree(ctx, {
      dbMark: p.db_mark,
      modelName: p.model_name,
      parentField: p.parent_field,
      parentId: p.parent_id,
      where: readWhere(raw),
      select: parseSelect(p.select, 'select'),
      order: parseOrder(p.order, 'order'),
    }),
});
