/**
 * The one registry of protocol codes (`ret`) and business codes (`err_code`), with messages.
 * docs/ERRORS.md lists the same codes; test/errors.test.ts fails when they disagree.
 */

/** Protocol status codes of the legacy envelope (PROTOCOL.md §4). */
export const RET = {
  200: '成功',
  400: '非法请求，参数错误',
  401: '用户未登录，或登录凭证已过期',
  402: 'IP已被黑名单拦截',
  403: 'IP未命中白名单',
  404: '接口服务不存在',
  406: '非法app_key',
  407: '当前应用已过期',
  408: '当前应用存在异常，已被封号',
  409: '签名错误',
  410: '权限不足，非系统管理员',
  411: '权限不足，应用管理员未登录',
  412: '权限不足，非应用管理员',
  413: '本月接口流量超出，已被临时冻结',
  414: '并发过高',
  415: '接口已被开发者关闭',
  416: '权限不足，个人免费版套餐无法使用专业版接口',
  500: '服务端异常',
} as const;

export type RetCode = keyof typeof RET;

/** GraphQL `extensions.code` for each protocol status. */
export const GRAPHQL_CODE: Record<RetCode, string> = {
  200: 'OK',
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  402: 'FORBIDDEN_IP',
  403: 'FORBIDDEN_IP',
  404: 'NOT_FOUND',
  406: 'UNKNOWN_APP_KEY',
  407: 'APP_EXPIRED',
  408: 'APP_DISABLED',
  409: 'BAD_SIGNATURE',
  410: 'FORBIDDEN',
  411: 'FORBIDDEN',
  412: 'FORBIDDEN',
  413: 'QUOTA_EXCEEDED',
  414: 'RATE_LIMITED',
  415: 'SERVICE_OFF',
  416: 'NOT_IN_PLAN',
  500: 'INTERNAL_SERVER_ERROR',
};

/** A protocol failure: the call itself is refused (`ret` ≠ 200). */
export class ProtocolError extends Error {
  constructor(
    readonly ret: Exclude<RetCode, 200 | 500>,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/**
 * The database refused a value of a write (out of range, too long, wrong type, NULL): the
 * caller's input was wrong, so both faces answer a 400. The engine's message stays in `cause`,
 * for debugging; it is never answered.
 */
export class ValueRejectedError extends Error {
  constructor(cause: unknown) {
    super('the database refused a value', { cause });
    this.name = 'ValueRejectedError';
  }
}

/** The protocol answer for an error a caller caused, or null for a server fault. */
export function protocolErrorOf(err: unknown): ProtocolError | null {
  if (err instanceof ProtocolError) return err;
  if (err instanceof ValueRejectedError) return badRequest('数据不符合字段的类型、长度或取值范围');
  return null;
}

/** The platform's 400 message prefix. */
export const BAD_REQUEST_PREFIX = '客户端非法请求：';

/** A 400 with the platform's wording: `客户端非法请求：<detail>`. */
export function badRequest(detail: string): ProtocolError {
  return new ProtocolError(400, BAD_REQUEST_PREFIX + detail);
}

/**
 * Business outcomes per service: `err_code` → meaning. A business failure still answers
 * `ret=200`, with `data.err_code` and `data.err_msg`.
 */
export const ERR_CODES = {
  'App.Hello.World': { 0: 'ok' },
  'App.Task.Get': { 0: 'ok', 1: 'no such task' },
  'App.User.Register': { 0: 'ok', 1: 'username taken' },
  'App.User.Login': { 0: 'ok', 1: 'wrong username or password' },
  'App.User.Check': { 0: 'ok', 1: 'session invalid or expired' },
  'App.User.Logout': { 0: 'ok', 1: 'session invalid or expired' },
  'App.Market_Message.Show': { 0: 'ok' },
  'App.Market_Message.Post': { 0: 'ok', 1: 'the parent comment is missing, too deep, or under another message_key' },
  'App.DB_MsSQL_Data.FreeTree': { 0: 'ok', 1: 'table missing or query failed' },
  'App.DB_MsSQL_Config.AddNewDatabaseConfig': { 0: 'ok', 1: 'db_mark taken or the database does not answer' },
  'App.Table.FreePopOne': {
    0: 'ok',
    1: 'table missing',
    2: "blocked by the table's check_code rule",
    3: 'nothing matched',
    4: 'random order over too many rows',
  },
  'App.DB_MsSQL_Data.Transfer': {
    0: 'ok',
    1: 'developer error',
    10: 'source missing',
    11: 'source not unique',
    12: 'source balance too low',
    20: 'target missing',
    21: 'target not unique',
  },
} as const satisfies Record<string, Record<number, string>>;

export type ServiceWithCodes = keyof typeof ERR_CODES;

/** A business failure: `ret=200` with a documented non-zero `err_code`. */
export class BusinessError extends Error {
  constructor(
    readonly service: ServiceWithCodes,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'BusinessError';
    const known = ERR_CODES[service] as Record<number, string>;
    if (!(code in known) || code === 0) throw new Error(`unregistered err_code ${code} for ${service}`);
  }
}
