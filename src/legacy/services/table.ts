import { popInput, popOne } from '../../operations/tables/pop-one.js';
import { tableInput } from '../../operations/tables/hosted.js';
import { text } from '../../operations/input.js';
import { businessError } from '../../errors.js';
import { checkCreate, countRows, createRow, deleteRow, getRow, idInput, pageInput, queryRows, updateRow } from '../../operations/tables/rows.js';
import { parseOrder, parseSelect, readData, readWhere } from '../../where/index.js';
import { rule } from '../rules.js';
import { defineService } from '../service.js';

const f = tableInput.shape;

/** The parameters every App.Table.* service takes. */
export const tableRules = {
  model_name: rule(f.modelName, 'the hosted table (yesgraph table create), or okayapi_message'),
  check_code: rule(f.checkCode, "the table's passphrase, checked only when it has one (err_code 2 when it differs)"),
};

const modelUuid = rule(f.modelUuid, "rows of this owner's uuid; empty: guest rows only; absent or @NULL: any owner");
const where = rule(text().optional(), 'JSON conditions, e.g. [["state", "=", 0]]; where_X parameters take precedence');
const logic = rule(text().optional(), 'and (default) or or, joining the conditions');

export const freePopOneService = defineService({
  name: 'App.Table.FreePopOne',
  summary: 'Finds one matching row, applies data to it and answers it as found: concurrent callers never get the same row.',
  params: {
    ...tableRules,
    model_uuid: modelUuid,
    logic,
    where,
    fields: rule(text().optional(), 'comma-separated columns to answer; every column when absent'),
    data: rule(text().optional(), 'JSON object of the values to write into the row; data_X parameters take precedence'),
    order_type: rule(popInput.shape.orderType, '1 id ascending, 2 id descending, 3 random, 4 update_time ascending, 5 update_time descending'),
  },
  async run(ctx, p, raw) {
    const popped = await popOne(ctx, {
      modelName: p.model_name,
      modelUuid: p.model_uuid,
      checkCode: p.check_code,
      orderType: p.order_type,
      where: readWhere(raw),
      fields: parseSelect(p.fields, 'fields'),
      data: readData(raw),
    });
    return { data: popped.row };
  },
});

const select = rule(text().optional(), 'comma-separated columns to answer; every column when absent');
const data = rule(text().optional(), 'JSON object of column values; data_X parameters take precedence');
const ref = (p: { model_name: string; model_uuid?: string; check_code?: string }) => ({ modelName: p.model_name, modelUuid: p.model_uuid, checkCode: p.check_code });
const id = rule(idInput.shape.id, 'the row’s id');

export const tableCreateService = defineService({
  name: 'App.Table.Create',
  summary: "Adds a row to a hosted table (the signed-in member's uuid, or '' for a guest); answers its id.",
  params: { ...tableRules, data },
  run: async (ctx, p, raw) => ({ id: await createRow(ctx, 'App.Table.Create', ref(p), readData(raw)) }),
});

export const tableCheckCreateService = defineService({
  name: 'App.Table.CheckCreate',
  summary: 'Adds a row unless one with the same check_field values exists (err_code 3 with that row’s id).',
  params: { ...tableRules, data, check_field: rule(text({ min: 1 }), 'comma-separated columns of data that must not repeat, e.g. name,age') },
  async run(ctx, p, raw) {
    const fields = parseSelect(p.check_field, 'check_field') ?? [];
    const { id: rowId, created } = await checkCreate(ctx, ref(p), readData(raw), fields);
    if (created) return { id: rowId };
    const exists = businessError('ROW_EXISTS');
    return { err_code: exists.code, err_msg: exists.message, id: rowId };
  },
});

export const tableGetService = defineService({
  name: 'App.Table.Get',
  summary: 'One row by id, every value as text.',
  params: { ...tableRules, id, model_uuid: modelUuid, select },
  run: async (ctx, p) => ({ data: await getRow(ctx, { ...ref(p), id: p.id }, parseSelect(p.select, 'select')) }),
});

export const tableUpdateService = defineService({
  name: 'App.Table.Update',
  summary: 'Writes data into the row of that id (and update_time).',
  params: { ...tableRules, id, model_uuid: modelUuid, data },
  async run(ctx, p, raw) {
    await updateRow(ctx, { ...ref(p), id: p.id }, readData(raw));
    return { updated_num: 1 };
  },
});

export const tableDeleteService = defineService({
  name: 'App.Table.Delete',
  summary: 'Removes the row of that id.',
  params: { ...tableRules, id, model_uuid: modelUuid },
  async run(ctx, p) {
    await deleteRow(ctx, { ...ref(p), id: p.id });
    return { deleted_num: 1 };
  },
});

export const tableFreeQueryService = defineService({
  name: 'App.Table.FreeQuery',
  summary: 'One page of the matching rows (list) and how many match in all (total).',
  params: {
    ...tableRules,
    model_uuid: modelUuid,
    logic,
    where,
    select,
    order: rule(text().optional(), 'JSON array, e.g. ["id DESC"]; id ascending by default'),
    page: rule(pageInput.shape.page, 'page number'),
    perpage: rule(pageInput.shape.perpage, 'rows per page'),
  },
  async run(ctx, p, raw) {
    const { total, list } = await queryRows(ctx, 'App.Table.FreeQuery', {
      ...ref(p),
      page: p.page,
      perpage: p.perpage,
      where: readWhere(raw),
      select: parseSelect(p.select, 'select'),
      order: parseOrder(p.order, 'order'),
    });
    return { total, list };
  },
});

export const tableFreeCountService = defineService({
  name: 'App.Table.FreeCount',
  summary: 'How many rows match.',
  params: { ...tableRules, model_uuid: modelUuid, logic, where },
  run: async (ctx, p, raw) => ({ total: await countRows(ctx, 'App.Table.FreeCount', ref(p), readWhere(raw)) }),
});

export const TABLE_SERVICES_LEGACY = [
  tableCreateService,
  tableCheckCreateService,
  tableGetService,
  tableUpdateService,
  tableDeleteService,
  tableFreeQueryService,
  tableFreeCountService,
  freePopOneService,
];
