/**
 * A hosted table's definition is read from yg_table once per TABLE_DEFINITION_TTL_MS, not on
 * every call: a pop on a known table sends no yg_table read. A change made in this process
 * (create, set-check-code) applies at once; one made by another process (the CLI, another
 * instance: here the row is changed behind the records' back) once that time has passed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { checkCodeDigest, TABLE_DEFINITION_TTL_MS, TableRecords } from '../../src/records/tables.js';
import { useServer } from '../support/server.js';
import { countStatements, storeKinds } from '../support/stores.js';
import { defineTable, insertRows, pop } from './support.js';

const kinds = await storeKinds();

describe.each(kinds)('hosted table definitions on %s', (kind) => {
  const t = useServer(kind);
  afterEach(() => {
    vi.useRealTimers();
  });

  const fresh = async (name: string, rows: number) => {
    const def = await defineTable(t.rt.main, t.app.id, name, ['code:varchar(8)', 'state:int']);
    await insertRows(t.rt.main, def.physical, Array.from({ length: rows }, (_, i) => ({ code: `c${i}`, state: 0 })));
  };
  const popCode = async (name: string, params: Record<string, string> = {}) => {
    const env = await pop(t, { model_name: name, where_state: '0', data_state: '1', fields: 'code', ...params });
    expect(env.ret, env.msg).toBe(200);
    return env.data.err_code === 0 ? (env.data.data as { code: string }).code : env.data.err_code;
  };

  it('are read once: later calls on the table send no yg_table read', async () => {
    await fresh('reused', 3);
    const first = await countStatements(t.rt.main, () => popCode('reused'));
    const second = await countStatements(t.rt.main, () => popCode('reused'));
    expect([first.result, second.result]).toEqual(['c0', 'c1']);
    expect(second.statements.filter((s) => s.includes('yg_table'))).toEqual([]);
    expect(second.statements.length).toBeGreaterThan(0);
  });

  it('see a check code set in this process at once, and one set by another process once the time has passed', async () => {
    await fresh('guarded', 4);
    expect(await popCode('guarded')).toBe('c0');

    await new TableRecords(t.rt.main).setCheckCode(t.app.id, 'guarded', 'first');
    expect(await popCode('guarded')).toBe(2);
    expect(await popCode('guarded', { check_code: 'first' })).toBe('c1');

    // Another process changes the code: the definition read above still holds for a while.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    await t.rt.main.execute(sql`UPDATE yg_table SET check_code = ${checkCodeDigest('second')} WHERE app_id = ${t.app.id} AND name = 'guarded'`);
    expect(await popCode('guarded', { check_code: 'first' })).toBe('c2');
    vi.setSystemTime(Date.now() + TABLE_DEFINITION_TTL_MS);
    expect(await popCode('guarded', { check_code: 'first' })).toBe(2);
    expect(await popCode('guarded', { check_code: 'second' })).toBe('c3');
  });

  it('do not keep a table that is not there: one defined after a miss is found at once', async () => {
    expect(await popCode('later')).toBe(1);
    await fresh('later', 1);
    expect(await popCode('later')).toBe('c0');
  });
});
