import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteOrder, checkPayloadSign, checkSign, dynamicSign, payloadSign } from '../../src/guards/sign.js';
import { type ProtocolError } from '../../src/errors.js';
import { NO_SETTINGS, type App } from '../../src/records/apps.js';

const APP_KEY = '0123456789ABCDEF0123456789ABCDEF';
const SECRET = 'my_app_secret_for_tests';

const sign = (params: Record<string, string>) => dynamicSign(new Map(Object.entries({ ...params, app_key: APP_KEY })), SECRET);

describe('the order of parameter names: UTF-8 bytes', () => {
  const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

  it('puts a name beyond U+FFFF after one in U+E000-U+FFFF, as its bytes do (JavaScript order puts it before)', () => {
    const astral = '\u{1F600}';
    const high = '\uFF21';
    expect(astral < high).toBe(true);
    expect(byteOrder(astral, high)).toBe(1);
    expect(byteOrder(high, astral)).toBe(-1);
    expect(dynamicSign(new Map([[astral, '1'], [high, '2']]), SECRET)).toBe(payloadSign('21', SECRET));
  });

  it('orders any two names as Buffer.compare orders their UTF-8 bytes', () => {
    const name = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('a', 'a_b', 'A', '\uE000', '\uFFFF', '\u{10000}', '文'));
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(byteOrder(a, b)).toBe(bytes(a, b));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('dynamic signature: the test vectors of docs/PROTOCOL.md §2', () => {
  it('App.Hello.World', () => {
    expect(sign({ s: 'App.Hello.World', name: 'dogstar' })).toBe('271BBC3007C1F14D4FE54DAA05D4EC34');
  });

  it('App.Table.FreePopOne with JSON values', () => {
    expect(sign({ s: 'App.Table.FreePopOne', model_name: 'article', where: '[["state", "=", 0]]', data: '{"state":1}' })).toBe(
      '229F3D7A98A7ACA2C4405AADC69C4818',
    );
  });

  it('App.Market_Message.Show with CJK values', () => {
    expect(sign({ s: 'App.Market_Message.Show', message_key: '文章1', order: '2', page: '1', perpage: '10' })).toBe(
      '1E124A6FAC55C524107B8529B30F0C20',
    );
  });

  it('App.DB_MsSQL_Data.Transfer', () => {
    expect(
      sign({
        s: 'App.DB_MsSQL_Data.Transfer',
        model_name: 'TestTable',
        db_mark: 'db_test',
        account_field: 'id',
        from_account: '3',
        to_account: '4',
        amount_field: 'quantity',
        amount: '2',
      }),
    ).toBe('91D1BDC42CAF77C5947174989D870C39');
  });

  it('leaves the sign parameter itself out', () => {
    const params = { s: 'App.Hello.World', name: 'dogstar' };
    expect(sign({ ...params, sign: 'anything' })).toBe(sign(params));
  });
});

/** An app of the sign mode, with the test's key and secret. */
const app = (signMode: App['signMode'], staticSign: string | null = null): App => ({
  id: 1,
  appKey: APP_KEY,
  appSecret: SECRET,
  name: 't',
  signMode,
  staticSign,
  authEnabled: true,
  status: 'active',
  expiresAt: null,
  isDemo: false,
  settings: NO_SETTINGS,
});

describe('checkSign', () => {
  const params = (extra: Record<string, string>) => new Map(Object.entries({ s: 'App.Hello.World', name: 'dogstar', app_key: APP_KEY, ...extra }));
  const ret = (fn: () => void) => {
    try {
      fn();
      return 200;
    } catch (err) {
      return (err as ProtocolError).ret;
    }
  };

  it('dynamic: accepts the right signature in either case, refuses a wrong or missing one', () => {
    expect(ret(() => checkSign(app('dynamic'), params({ sign: '271BBC3007C1F14D4FE54DAA05D4EC34' })))).toBe(200);
    expect(ret(() => checkSign(app('dynamic'), params({ sign: '271bbc3007c1f14d4fe54daa05d4ec34' })))).toBe(200);
    expect(ret(() => checkSign(app('dynamic'), params({ sign: '271BBC3007C1F14D4FE54DAA05D4EC35' })))).toBe(409);
    expect(ret(() => checkSign(app('dynamic'), params({})))).toBe(409);
    expect(ret(() => checkSign(app('dynamic'), params({ sign: '' })))).toBe(409);
  });

  it('dynamic: yesapi_allow_origin may be signed or not', () => {
    expect(ret(() => checkSign(app('dynamic'), params({ yesapi_allow_origin: '1', sign: '271BBC3007C1F14D4FE54DAA05D4EC34' })))).toBe(200);
    const withFlag = params({ yesapi_allow_origin: '1' });
    expect(ret(() => checkSign(app('dynamic'), new Map([...withFlag, ['sign', dynamicSign(withFlag, SECRET)]])))).toBe(200);
  });

  it('static: the fixed string only', () => {
    expect(ret(() => checkSign(app('static', 'FIXED'), params({ sign: 'FIXED' })))).toBe(200);
    expect(ret(() => checkSign(app('static', 'FIXED'), params({ sign: '271BBC3007C1F14D4FE54DAA05D4EC34' })))).toBe(409);
  });

  it('off: anything goes', () => {
    expect(ret(() => checkSign(app('off'), params({})))).toBe(200);
    expect(ret(() => checkSign(app('off'), params({ sign: 'garbage' })))).toBe(200);
  });

  const msg = (fn: () => void) => {
    try {
      fn();
      return '';
    } catch (err) {
      return (err as ProtocolError).message;
    }
  };

  it('names the missing parameter: sign on the legacy face, x-sign on GraphQL', () => {
    expect(msg(() => checkSign(app('dynamic'), params({})))).toBe('客户端非法请求：缺少签名sign');
    expect(msg(() => checkSign(app('dynamic'), params({ sign: 'WRONG' })))).toBe('客户端非法请求：签名错误');
    expect(msg(() => checkPayloadSign(app('dynamic'), '{}', null))).toBe('客户端非法请求：缺少签名x-sign');
    expect(msg(() => checkPayloadSign(app('dynamic'), '{}', ''))).toBe('客户端非法请求：缺少签名x-sign');
  });

  it('static without a stored string refuses every signature', () => {
    expect(ret(() => checkSign(app('static', null), params({ sign: 'x' })))).toBe(409);
    expect(ret(() => checkSign(app('static', ''), params({ sign: 'x' })))).toBe(409);
    expect(ret(() => checkPayloadSign(app('static', null), '{}', 'x'))).toBe(409);
  });

  it('compares whole signatures: a prefix, an extension or one changed character is wrong', () => {
    const right = '271BBC3007C1F14D4FE54DAA05D4EC34';
    for (const wrong of [right.slice(0, -1), `${right}0`, `${right}\u0000`, `0${right.slice(1)}`, right.slice(0, 16)]) {
      expect(ret(() => checkSign(app('dynamic'), params({ sign: wrong }))), wrong).toBe(409);
    }
    expect(ret(() => checkSign(app('static', 'FIXED'), params({ sign: 'FIXE' })))).toBe(409);
    expect(ret(() => checkSign(app('static', 'FIXED'), params({ sign: 'FIXEDD' })))).toBe(409);
    expect(ret(() => checkSign(app('static', 'FIXED'), params({ sign: 'fixed' })))).toBe(200);
  });

  it('dynamic: a wrong signature stays wrong with or without yesapi_allow_origin', () => {
    expect(ret(() => checkSign(app('dynamic'), params({ yesapi_allow_origin: '1', sign: '271BBC3007C1F14D4FE54DAA05D4EC35' })))).toBe(409);
  });
});

describe('checkPayloadSign (GraphQL face)', () => {
  const ok = (fn: () => void) => {
    try {
      fn();
      return true;
    } catch (err) {
      expect((err as ProtocolError).ret).toBe(409);
      return false;
    }
  };
  const body = '{"query":"{ hello }"}';

  it('dynamic: md5 of the payload and the secret, upper-case hex, either case accepted', () => {
    const sign = payloadSign(body, SECRET);
    expect(sign).toMatch(/^[0-9A-F]{32}$/);
    expect(ok(() => checkPayloadSign(app('dynamic'), body, sign))).toBe(true);
    expect(ok(() => checkPayloadSign(app('dynamic'), body, sign.toLowerCase()))).toBe(true);
    expect(ok(() => checkPayloadSign(app('dynamic'), `${body} `, sign))).toBe(false);
    expect(ok(() => checkPayloadSign(app('dynamic'), body, payloadSign(body, 'other')))).toBe(false);
  });

  it('static: the fixed string; off: anything', () => {
    expect(ok(() => checkPayloadSign(app('static', 'FIXED'), body, 'FIXED'))).toBe(true);
    expect(ok(() => checkPayloadSign(app('static', 'FIXED'), body, payloadSign(body, SECRET)))).toBe(false);
    expect(ok(() => checkPayloadSign(app('off'), body, null))).toBe(true);
    expect(ok(() => checkPayloadSign(app('off'), body, 'garbage'))).toBe(true);
  });
});
