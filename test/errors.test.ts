/**
 * The error registry, docs/ERRORS.md and the code must agree, both ways: every key is
 * documented with its code and template, every documented key is registered, every key is
 * raised somewhere, and no file but src/errors.ts writes a message of its own.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUSINESS, ERR_CODES, GRAPHQL_CODE, MESSAGES, REFUSALS, RET, businessError, refuse } from '../src/errors.js';
import { SERVICES } from '../src/legacy/services/index.js';

const doc = readFileSync('docs/ERRORS.md', 'utf8');
const PREFIX = '客户端非法请求：';

/** The rows of the table under `## <heading>`, cells trimmed, code spans unwrapped. */
function tableRows(heading: string): string[][] {
  const section = doc.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`docs/ERRORS.md has no section ${heading}`);
  return section
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .slice(1)
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/\\\|/g, '|').replace(/^`(.*)`$/, '$1')),
    );
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const others = sources('src')
  .filter((f) => f !== join('src', 'errors.ts'))
  .map((file) => ({ file, text: readFileSync(file, 'utf8') }));

/** Where keys are raised: every file, src/errors.ts included (it declares them as `KEY:`, not `'KEY'`). */
const raisers = [readFileSync(join('src', 'errors.ts'), 'utf8'), ...others.map(({ text }) => text)];
const servedServices = new Set(SERVICES.map((s) => s.name));
const servedRets = new Set<number>([200, 500, ...Object.values(REFUSALS).map(([ret]) => ret)]);
const status = (served: boolean) => (served ? 'served' : '**planned**');

describe('error registry and docs/ERRORS.md', () => {
  it('documents every ret with its GraphQL code, planned when no refusal answers it', () => {
    expect(tableRows('Protocol status')).toEqual(
      Object.keys(RET).map((ret) => [ret, GRAPHQL_CODE[Number(ret) as keyof typeof RET], RET[Number(ret) as keyof typeof RET], status(servedRets.has(Number(ret)))]),
    );
  });

  it('documents every refusal key with its ret and message, and nothing else', () => {
    const documented = tableRows('Refusals').map((r) => r.join(' '));
    const registered = Object.entries(REFUSALS).map(([key, [ret, template]]) => `${key} ${ret} ${PREFIX}${template}`);
    expect(documented).toEqual(registered);
  });

  it('documents every err_code of every service, planned for services not served yet', () => {
    const documented = tableRows('Business outcomes').map((r) => r.join(' '));
    const registered = Object.entries(ERR_CODES).flatMap(([service, codes]) =>
      Object.entries(codes).map(([code, meaning]) => `${service} ${code} ${meaning} ${status(servedServices.has(service))}`),
    );
    expect(documented).toEqual(registered);
  });

  it('documents every business failure key with its services, err_code and message, and nothing else', () => {
    const documented = tableRows('Business failures').map((r) => r.join(' '));
    const registered = Object.entries(BUSINESS).map(
      ([key, [services, code, template]]) => `${key} ${typeof services === 'string' ? services : services.join(', ')} ${code} ${template}`,
    );
    expect(documented).toEqual(registered);
  });

  it('documents the other messages', () => {
    expect(tableRows('Other messages').map((r) => r.join(' '))).toEqual(Object.entries(MESSAGES).map(([key, template]) => `${key} ${template}`));
  });

  it('gives every business failure an err_code its services register', () => {
    for (const [key, [services, code]] of Object.entries(BUSINESS)) {
      for (const service of typeof services === 'string' ? [services] : services) {
        expect(ERR_CODES[service], key).toHaveProperty(String(code));
        expect(code, key).not.toBe(0);
      }
    }
  });

  it('raises every registered key somewhere in src/', () => {
    const unused = [...Object.keys(REFUSALS), ...Object.keys(BUSINESS), ...Object.keys(MESSAGES)].filter(
      (key) => !raisers.some((text) => text.includes(`'${key}'`)),
    );
    expect(unused).toEqual([]);
  });

  it('keeps messages out of every other file: no prefix, no hand-built refusal', () => {
    const offenders = others.flatMap(({ file, text }) =>
      [PREFIX, 'new ProtocolError(', 'new BusinessError(', 'badRequest('].filter((s) => text.includes(s)).map((s) => `${file}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });
});

describe('factories', () => {
  it('fill the template and keep the key', () => {
    const e = refuse('PARAM_TOO_LONG', { name: 'app_key', max: 32, len: 33 });
    expect({ ret: e.ret, message: e.message, key: e.key }).toEqual({
      ret: 400,
      message: '客户端非法请求：app_key.len应该小于等于32, 但现在app_key.len = 33',
      key: 'PARAM_TOO_LONG',
    });
    expect(refuse('ORDER_TERM_INVALID', { name: 'order', index: 2 }).message).toBe('客户端非法请求：order[2]应该是{column, direction}或{random: true}之一');
    const b = businessError('TABLE_MISSING', 'App.DB_MsSQL_Data.FreeTree', { table: 'T' });
    expect({ service: b.service, code: b.code, message: b.message }).toEqual({ service: 'App.DB_MsSQL_Data.FreeTree', code: 1, message: '表T不存在' });
  });

  it('refuse a shared business failure for a service it is not registered for', () => {
    expect(() => businessError('TABLE_MISSING', 'App.User.Login' as never, { table: 'T' })).toThrow(/not a failure of App.User.Login/);
  });
});
