import { freeTree } from '../../operations/tree.js';
import { parseOrder, parseSelect, readWhere } from '../../where/index.js';
import { int, str } from '../rules.js';
import { defineService } from '../service.js';

export const freeTreeService = defineService({
  name: 'App.DB_MsSQL_Data.FreeTree',
  summary: 'Two levels of a tree in a table of a registered database: the nodes under parent_id, each with children_tree.',
  params: {
    model_name: str({ required: true, min: 1, max: 64, description: 'table name, without the table_prefix of the db_mark' }),
    db_mark: str({ required: true, min: 1, max: 64, description: 'a database registered with App.DB_MsSQL_Config.AddNewDatabaseConfig' }),
    parent_field: str({ default: 'parent_id', max: 64, description: 'integer column holding the parent id' }),
    parent_id: int({ default: 0, description: 'the parent whose children form the first level' }),
    where: str({ description: 'JSON conditions, e.g. [["id", ">=", 1]]; where_X parameters take precedence' }),
    logic: str({ description: 'and (default) or or, joining the conditions' }),
    select: str({ description: 'comma-separated columns; id and parent_field are always answered' }),
    order: str({ description: 'JSON array, e.g. ["id DESC"]; RAND for random; id ascending by default' }),
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
