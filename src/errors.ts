/**
 * The one registry of what yesgraph answers when it says no: every refusal (`ret` ≠ 200) and
 * every business failure (`ret=200`, `err_code` ≠ 0) is a key here with its code and message
 * template, built by `refuse` or `businessError`. No other file writes a message of its own.
 * docs/ERRORS.md lists the same keys; test/errors.test.ts fails when they disagree, and when a
 * file outside this one spells the platform's prefix.
 *
 * Templates name their variables in braces (`{name}`); a brace that does not hold a plain name
 * (`{"title": "x"}`) is text. Values are inserted as given: callers quote user text first.
 */

/** Protocol status codes of the legacy envelope (docs/PROTOCOL.md §4). */
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
  /** yesgraph's own: the shared counters (Redis) are down and the server is configured to refuse. */
  503: '服务暂时不可用',
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
  503: 'SERVICE_UNAVAILABLE',
};

/** The platform's prefix of every refusal's message. */
const PREFIX = '客户端非法请求：';

type RefusalRet = Exclude<RetCode, 200 | 500>;

/**
 * Every refusal: key → [ret, template]. The message is the prefix, then the template. Keys
 * group by where they are raised: intake, parameter rules, caller guards, values, tables, and
 * the condition language (`参数<p>…`, naming the parameter).
 */
export const REFUSALS = {
  // Intake of a request (both faces).
  SERVICE_UNKNOWN: [404, '接口服务{service}不存在'],
  BODY_TOO_LARGE: [400, '请求体不能超过{limit}字节'],
  BODY_TOO_DEEP: [400, 'JSON数据嵌套不能超过{max}层'],
  BODY_NOT_JSON: [400, '请求体不是合法的JSON'],
  BODY_NOT_OBJECT: [400, 'JSON请求体必须是对象'],
  BODY_NOT_MULTIPART: [400, 'multipart请求体格式错误'],
  NOT_UTF8: [400, '参数不是合法的UTF-8编码'],
  PARAM_REPEATED: [400, '参数{name}重复出现且取值不同'],
  GRAPHQL_DOCUMENT_INVALID: [400, 'GraphQL文档无效'],
  GRAPHQL_COST_TOO_HIGH: [400, 'GraphQL操作的代价超过了上限{max}'],
  GRAPHQL_BATCH_TOO_LARGE: [400, '一次批量GraphQL请求的操作应该在1到{max}个之间'],
  GRAPHQL_DOCUMENT_NOT_TRUSTED: [400, '该应用只运行已登记的GraphQL文档，请按文档编号调用'],

  // Parameter rules, in the platform's words.
  PARAM_MISSING: [400, '缺少必要参数{name}'],
  PARAM_TOO_SHORT: [400, '{name}.len应该大于或等于{min}, 但现在{name}.len = {len}'],
  PARAM_TOO_LONG: [400, '{name}.len应该小于等于{max}, 但现在{name}.len = {len}'],
  PARAM_TOO_SMALL: [400, '{name}应该大于或等于{min}, 但现在{name} = {value}'],
  PARAM_TOO_LARGE: [400, '{name}应该小于等于{max}, 但现在{name} = {value}'],
  PARAM_NOT_INT: [400, '{name}应该是整数, 但现在{name} = {value}'],
  PARAM_NOT_IN: [400, '{name}应该为{values}, 但现在{name} = {value}'],
  PARAM_NOT_JSON: [400, '参数{name}的JSON数据格式错误'],
  PARAM_TOO_DEEP: [400, '参数{name}的JSON数据嵌套不能超过{max}层'],
  PARAM_INVALID: [400, '参数{name}的值不合法'],

  // The caller: app, signature, member.
  APP_KEY_UNKNOWN: [406, '非法app_key'],
  APP_EXPIRED: [407, '当前应用已过期'],
  APP_DISABLED: [408, '当前应用存在异常，已被封号'],
  SIGN_MISSING: [409, '缺少签名{name}'],
  SIGN_WRONG: [409, '签名错误'],
  MEMBER_UNKNOWN: [400, '非法请求，参数错误'],
  SESSION_DEAD: [401, '用户未登录，或登录凭证已过期'],
  RATE_LIMITED: [414, '并发过高'],
  ADMIN_ROLE_RESERVED: [410, '权限不足，非系统管理员：管理员角色只能由运营方用命令行设置或撤销'],
  ADMIN_BAN_RESERVED: [410, '权限不足，非系统管理员：应用管理员不能被封号，请先由运营方撤销其管理员角色'],
  ADMIN_NOT_SIGNED_IN: [411, '权限不足，应用管理员未登录'],
  ADMIN_REQUIRED: [412, '权限不足，非应用管理员'],

  // The app's guards (docs/PROTOCOL.md §9): IP lists, service switch, quota, replay window, counters.
  IP_DENIED: [402, 'IP已被黑名单拦截'],
  IP_NOT_ALLOWED: [403, 'IP未命中白名单'],
  SERVICE_OFF: [415, '接口已被开发者关闭'],
  QUOTA_EXCEEDED: [413, '本月接口流量超出，已被临时冻结'],
  REQUEST_TIME_OFF: [409, '请求时间{name}与服务器时间相差超过{window}秒'],
  REQUEST_REPLAYED: [409, '重复的请求：同一签名在{window}秒内只能使用一次'],
  COUNTERS_UNAVAILABLE: [503, '服务暂时不可用，请稍后重试'],

  // Values and names an operation refuses.
  VALUE_REJECTED: [400, '数据不符合字段的类型、长度或取值范围'],
  DB_HOST_INVALID: [400, 'db_host不是合法的主机名或IP地址, 但现在db_host = {host}'],
  MODEL_NAME_INVALID: [400, 'model_name只能包含字母、数字和下划线且不能以数字开头, 但现在model_name = {value}'],
  MODEL_NAME_RESERVED: [400, 'model_name不能以下划线加数字结尾（保留为分表后缀）, 但现在model_name = {value}'],
  COLUMN_NAME_INVALID: [400, '{name}不是合法的字段名, 但现在{name} = {value}'],
  TREE_NO_ROOM_FOR_PARENTS: [400, '参数where的条件值过多，放不下父级id'],
  TREE_COLUMN_NOT_SELECTED: [400, '字段{column}不在select中'],
  ORDER_TERM_INVALID: [400, '{name}[{index}]应该是{column, direction}或{random: true}之一'],

  // The condition language (docs/PROTOCOL.md §5).
  LOGIC_INVALID: [400, '参数{param}应该是and或or，但现在{param} = {value}'],
  GROUP_LOGIC_INVALID: [400, '参数{param}中的分组逻辑应该是and或or'],
  WHERE_NOT_ARRAY: [400, '参数{param}应该是JSON数组，如[["id", ">=", 1], "id <= 10"]'],
  CONDITION_MALFORMED: [400, '参数{param}中的第{index}个条件格式错误：应该是["字段", "比较符", 值]或条件字符串'],
  CONDITIONS_TOO_MANY: [400, '参数{param}中的条件不能超过{max}个'],
  NESTING_TOO_DEEP: [400, '参数{param}的嵌套不能超过{max}层'],
  PARAMS_TOO_MANY: [400, '参数{param}的条件值过多：{count}个，超过了数据库允许的{max}个'],
  FIELD_UNKNOWN: [400, '参数{param}中的字段 {field} 不存在'],
  OPERATOR_UNKNOWN: [400, '参数{param}中的比较符 {op} 不支持（可用：= <> != > >= < <= EQ NE GT GE LT LE LIKE NLIKE IN NIN BETWEEN NBETWEEN）'],
  OPERAND_NULL: [400, '参数{param}中字段 {field} 的{op}值不能是null'],
  OPERAND_NULL_COMPARED: [400, '参数{param}中字段 {field} 的{op}值不能是null（只有EQ、NE、IN、NIN可以与null比较）'],
  OPERAND_NUL_CHAR: [400, '参数{param}中字段 {field} 的{op}值不能含有NUL字符'],
  OPERAND_NOT_SCALAR: [400, '参数{param}中字段 {field} 的{op}值应该是单个值，不能是数组或对象'],
  OPERAND_NOT_LIST: [400, '参数{param}中字段 {field} 的{op}值应该是数组或逗号分隔的字符串'],
  OPERAND_LIST_NESTED: [400, '参数{param}中字段 {field} 的{op}值只能是数字、字符串、布尔值或null，不能嵌套数组或对象'],
  OPERAND_NOT_PAIR: [400, '参数{param}中字段 {field} 的{op}需要恰好两个值，但现在有{count}个'],
  OPERAND_LIST_EMPTY: [400, '参数{param}中字段 {field} 的{op}值列表不能为空'],
  OPERAND_LIST_TOO_LONG: [400, '参数{param}中字段 {field} 的{op}值不能超过{max}个'],
  VALUE_WRONG_TYPE: [400, '参数{param}中字段 {field} 的值 {value} 不是{type}'],
  VALUE_NOT_SCALAR: [400, '参数{param}中字段 {field} 的值应该是单个值，不能是数组或对象'],
  VALUE_NOT_NULLABLE: [400, '参数{param}中字段 {field} 不能为NULL'],
  VALUE_TOO_LONG: [400, '参数{param}中字段 {field} 的值最多{max}个字符, 但现在有{len}个'],
  DATA_NOT_OBJECT: [400, '参数{param}应该是JSON对象，如{"title": "x"}'],
  RAW_NOT_STRING: [400, '参数{param}中的条件字符串 {text} 应该是字符串'],
  RAW_TOO_LONG: [400, '参数{param}中的条件字符串不能超过{max}个字符'],
  RAW_TOTAL_TOO_LONG: [400, '参数{param}中的条件字符串合计不能超过{max}个字符'],
  RAW_UNSAFE: [400, '参数{param}中的条件字符串 {text} {problem}'],
  RAW_SYNTAX: [400, '参数{param}中的条件字符串 {text} 不是合法的MySQL条件表达式'],
  RAW_SYNTAX_AT: [400, '参数{param}中的条件字符串 {text} 不是合法的MySQL条件表达式（第{position}个字符附近）'],
  RAW_STATEMENTS: [400, '参数{param}中的条件字符串 {text} 不允许含有多条语句'],
  RAW_CLAUSE: [400, '参数{param}中的条件字符串 {text} 只能是WHERE条件，不允许 {clause}'],
  RAW_REFUSED: [400, '参数{param}中的条件字符串 {text} 不允许：{what}'],
  RAW_MISTYPED: [400, '参数{param}中的条件字符串 {text} 有误：{problem}'],
  ORDER_TERM_MALFORMED: [400, '参数{param}中的排序 {term} 格式错误：应该是"字段 ASC"、"字段 DESC"或"RAND"'],
  ORDER_TERM_NOT_STRING: [400, '参数{param}中的排序 {term} 格式错误：应该是字符串，如"id DESC"'],
  ORDER_DIRECTION_INVALID: [400, '参数{param}中的排序方向 {direction} 应该是ASC或DESC'],
  ORDER_TOO_MANY: [400, '参数{param}中的排序不能超过{max}个'],
  SELECT_TOO_MANY: [400, '参数{param}中的字段不能超过{max}个'],

  // Hosted tables (App.Table.*).
  DATA_SYSTEM_COLUMN: [400, '参数{param}中的字段 {field} 是系统字段，不能写入'],
  DATA_EMPTY: [400, '参数{param}不能为空，至少要有一个字段'],
  EXPORT_ORDER_RANDOM: [400, '参数{param}不能是随机排序：导出按顺序分批读取'],

  // Members (App.User.*).
  EXT_INFO_TOO_LARGE: [400, '参数{param}合并后的扩展信息不能超过{max}个字符, 但现在有{len}个'],
  ROLE_NAME_INVALID: [400, '{name}只能包含小写字母、数字和下划线, 但现在{name} = {value}'],
  UUIDS_TOO_MANY: [400, '参数{param}最多{max}个uuid, 但现在有{count}个'],
} as const satisfies Record<string, readonly [RefusalRet, string]>;

export type RefusalKey = keyof typeof REFUSALS;

/** The variable names of a template: `{name}` where name is a plain word. */
type VarsOf<T extends string> = T extends `${string}{${infer K}}${infer Rest}`
  ? (K extends `${string}${' ' | ',' | ':' | '"'}${string}` ? never : K) | VarsOf<Rest>
  : never;

type VarsArg<T extends string> = [VarsOf<T>] extends [never] ? [] : [vars: Record<VarsOf<T>, string | number>];

const VARIABLE = /\{([A-Za-z]\w*)\}/g;

function render(template: string, vars: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(VARIABLE, (whole, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/** A protocol failure: the call itself is refused (`ret` ≠ 200). Built by `refuse`. */
export class ProtocolError extends Error {
  constructor(
    readonly ret: RefusalRet,
    message: string,
    /** The registry key, when the refusal came from `refuse`. */
    readonly key?: RefusalKey,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** The refusal `key`, its template filled with `vars`: `refuse('PARAM_MISSING', { name: 'app_key' })`. */
export function refuse<K extends RefusalKey>(key: K, ...[vars]: VarsArg<(typeof REFUSALS)[K][1]>): ProtocolError {
  const [ret, template] = REFUSALS[key];
  return new ProtocolError(ret, PREFIX + render(template, vars), key);
}

/** Messages that are not refusals: the `msg` of an accepted call and of a server fault. */
export const MESSAGES = {
  CALL_ACCEPTED: '当前请求接口：{service}',
  SERVER_FAULT: '服务端异常，错误编号：{errorId}',
  /** GraphQL's own wording for a masked error; `extensions.errorId` carries the id. */
  GRAPHQL_FAULT: 'Unexpected error.',
  /** The files yesgraph serves itself (the playground's, the example frontend's). */
  FILE_NOT_FOUND: 'Not found.',
  FILE_METHOD_NOT_ALLOWED: 'Method not allowed: files answer GET and HEAD.',
  EXAMPLE_NOT_BUILT: 'The example frontend is not built: run npm run examples:build.',
  /** A task's `error` (src/tasks/worker.ts): the cause is in the log under the id. */
  TASK_FAULT: '任务执行失败，错误编号：{errorId}',
  TASK_ABANDONED: '任务已尝试{attempts}次，每次都中断，不再重试',
  /** An export's download link (src/tasks/download.ts). */
  DOWNLOAD_REFUSED: 'The download link is invalid or has expired.',
  DOWNLOAD_GONE: 'The export file is no longer here.',
} as const;

export function message<K extends keyof typeof MESSAGES>(key: K, ...[vars]: VarsArg<(typeof MESSAGES)[K]>): string {
  return render(MESSAGES[key], vars);
}

/**
 * Business outcomes per service: `err_code` → meaning. A business failure still answers
 * `ret=200`, with `data.err_code` and `data.err_msg`. Services not served yet are listed as
 * planned in docs/ERRORS.md.
 */
export const ERR_CODES = {
  'App.Hello.World': { 0: 'ok' },
  'App.Task.Get': { 0: 'ok', 1: 'no such task' },
  'App.Task.GetList': { 0: 'ok' },
  'App.Task.Cancel': { 0: 'ok', 1: 'no such task', 2: 'the task has ended' },
  'App.User.Register': { 0: 'ok', 1: 'username taken' },
  'App.User.Login': { 0: 'ok', 1: 'wrong username or password', 2: 'the member is banned' },
  'App.User.Check': { 0: 'ok', 1: 'session expired' },
  'App.User.Logout': { 0: 'ok', 1: 'no session' },
  'App.User.Profile': { 0: 'ok' },
  'App.User.OtherProfile': { 0: 'ok' },
  'App.User.MultiProfile': { 0: 'ok' },
  'App.User.UpdateExtInfo': { 0: 'ok' },
  'App.User.AlterPassword': { 0: 'ok', 1: 'wrong old password or no such member' },
  'App.User.GetList': { 0: 'ok' },
  'App.User.FastGetUserLongList': { 0: 'ok' },
  'App.User.GetLastestLoginList': { 0: 'ok' },
  'App.User.ChangeRole': { 0: 'ok', 1: 'role unchanged' },
  'App.User.ChangeRoleForAdmin': { 0: 'ok', 1: 'role unchanged' },
  'App.User.BanUserForAdmin': { 0: 'ok', 1: 'status unchanged' },
  'App.Common_UniqueId.GetUniqueId': { 0: 'ok' },
  'App.Market_Message.Show': { 0: 'ok' },
  'App.Market_Message.Post': { 0: 'ok', 1: 'the parent message is missing, too deep, or under another message_key' },
  'App.DB_MsSQL_Data.FreeTree': { 0: 'ok', 1: 'table missing or query failed' },
  'App.DB_MsSQL_Data.FreeExport': { 0: 'ok', 1: 'table missing or query failed' },
  'App.DB_MsSQL_Config.AddNewDatabaseConfig': { 0: 'ok', 1: 'db_mark taken or the database does not answer' },
  'App.Table.FreePopOne': {
    0: 'ok',
    1: 'table missing',
    2: "blocked by the table's check_code rule",
    3: 'nothing matched',
    4: 'random order over too many rows',
  },
  'App.Table.Create': { 0: 'ok', 1: 'table missing', 2: "blocked by the table's check_code rule" },
  'App.Table.CheckCreate': { 0: 'ok', 1: 'table missing', 2: "blocked by the table's check_code rule", 3: 'a matching row exists: not created' },
  'App.Table.Get': { 0: 'ok', 1: 'table missing', 2: "blocked by the table's check_code rule", 3: 'no such row' },
  'App.Table.Update': { 0: 'ok', 1: 'table missing', 2: "blocked by the table's check_code rule", 3: 'no such row' },
  'App.Table.Delete': { 0: 'ok', 1: 'table missing', 2: "blocked by the table's check_code rule", 3: 'no such row' },
  'App.Table.FreeQuery': { 0: 'ok', 1: 'table missing', 2: "blocked by the table's check_code rule" },
  'App.Table.FreeCount': { 0: 'ok', 1: 'table missing', 2: "blocked by the table's check_code rule" },
  'App.Table.FreeExport': { 0: 'ok', 1: 'table missing', 2: "blocked by the table's check_code rule" },
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

/** The services on a db_mark (docs/PROTOCOL.md §6): they share the direct-table failures. */
export const DIRECT_SERVICES = ['App.DB_MsSQL_Data.FreeTree', 'App.DB_MsSQL_Data.Transfer', 'App.DB_MsSQL_Data.FreeExport'] as const;
export type DirectService = (typeof DIRECT_SERVICES)[number];

/** The services on hosted tables: they share the missing table and the check_code rule. */
export const TABLE_SERVICES = [
  'App.Table.Create',
  'App.Table.CheckCreate',
  'App.Table.Get',
  'App.Table.Update',
  'App.Table.Delete',
  'App.Table.FreeQuery',
  'App.Table.FreeCount',
  'App.Table.FreePopOne',
  'App.Table.FreeExport',
] as const;
export type TableService = (typeof TABLE_SERVICES)[number];

/**
 * Every business failure: key → [service (or the services sharing it), err_code, template].
 * The err_code must be one ERR_CODES lists for each of those services.
 */
export const BUSINESS = {
  USERNAME_TAKEN: ['App.User.Register', 1, '用户名已被注册'],
  LOGIN_FAILED: ['App.User.Login', 1, '用户名或密码错误'],
  MEMBER_BANNED: ['App.User.Login', 2, '该账号已被封号，无法登录'],
  SESSION_EXPIRED: ['App.User.Check', 1, '客户端非法请求：登录会话已过期，请重新登录'],
  LOGOUT_WITHOUT_SESSION: ['App.User.Logout', 1, '会话无效或已过期'],
  PASSWORD_NOT_CHANGED: ['App.User.AlterPassword', 1, '密码修改失败，原密码错误或账号不存在'],
  ROLE_UNCHANGED: [['App.User.ChangeRole', 'App.User.ChangeRoleForAdmin'], 1, '角色没有变化'],
  BAN_UNCHANGED: ['App.User.BanUserForAdmin', 1, '会员状态没有变化'],
  PARENT_MISSING: ['App.Market_Message.Post', 1, '回复的评论不存在：message_pid = {parentId}'],
  PARENT_OTHER_KEY: ['App.Market_Message.Post', 1, '回复的评论message_pid = {parentId}不属于message_key = {key}'],
  PARENT_TOO_DEEP: ['App.Market_Message.Post', 1, '评论最多{depth}层，不能回复第{level}层的评论message_pid = {parentId}'],
  DATABASE_NOT_ADDED: ['App.DB_MsSQL_Config.AddNewDatabaseConfig', 1, '添加数据库连接配置失败：{reason}'],
  DATABASE_REFUSED: ['App.DB_MsSQL_Config.AddNewDatabaseConfig', 1, '添加数据库连接配置失败：无法连接该数据库，或不允许登记该数据库，错误编号：{errorId}'],
  TREE_CHILDREN_COLUMN: ['App.DB_MsSQL_Data.FreeTree', 1, '表{table}不能有{column}字段（与返回结构冲突）'],
  DB_MARK_UNKNOWN: [DIRECT_SERVICES, 1, '数据库代号db_mark={dbMark}不存在，请先添加数据库连接配置'],
  TABLE_MISSING: [DIRECT_SERVICES, 1, '表{table}不存在'],
  ID_NOT_INTEGER: [DIRECT_SERVICES, 1, '表{table}需要整数主键id'],
  COLUMN_MISSING: [DIRECT_SERVICES, 1, '表{table}没有字段{column}'],
  COLUMN_NOT_INTEGER: [DIRECT_SERVICES, 1, '{name}={column}必须是整数类型的字段'],
  STATEMENT_FAILED: [DIRECT_SERVICES, 1, '查询失败，错误编号：{errorId}'],
  TRANSFER_SAME_COLUMN: ['App.DB_MsSQL_Data.Transfer', 1, 'account_field和amount_field不能是同一个字段'],
  TRANSFER_SAME_ACCOUNT: ['App.DB_MsSQL_Data.Transfer', 1, '转出账号和转入账号不能是同一个账号'],
  TRANSFER_BALANCE_NOT_INTEGER: ['App.DB_MsSQL_Data.Transfer', 1, '表{table}中账号的{column}不是整数'],
  TRANSFER_OUT_OF_RANGE: ['App.DB_MsSQL_Data.Transfer', 1, '转入后的数量超出了字段的取值范围（表{table}）'],
  TRANSFER_OUTCOME_UNKNOWN: ['App.DB_MsSQL_Data.Transfer', 1, '转账结果未知（提交时与数据库的连接中断），请核对两个账号的数量，错误编号：{errorId}'],
  TRANSFER_BUSY: ['App.DB_MsSQL_Data.Transfer', 1, '数据库繁忙（死锁或锁等待超时），转账未执行，请稍后重试，错误编号：{errorId}'],
  SOURCE_MISSING: ['App.DB_MsSQL_Data.Transfer', 10, '转出账号不存在'],
  SOURCE_NOT_UNIQUE: ['App.DB_MsSQL_Data.Transfer', 11, '转出账号不唯一'],
  SOURCE_TOO_LOW: ['App.DB_MsSQL_Data.Transfer', 12, '转出账号数量不足'],
  TARGET_MISSING: ['App.DB_MsSQL_Data.Transfer', 20, '转入账号不存在'],
  TARGET_NOT_UNIQUE: ['App.DB_MsSQL_Data.Transfer', 21, '转入账号不唯一'],
  HOSTED_TABLE_MISSING: [TABLE_SERVICES, 1, '表单{table}不存在'],
  CHECK_CODE_BLOCKED: [TABLE_SERVICES, 2, '应用层规则拦截：表单{table}的口令check_code不正确'],
  ROW_MISSING: [['App.Table.Get', 'App.Table.Update', 'App.Table.Delete'], 3, '数据不存在：id = {id}'],
  ROW_EXISTS: ['App.Table.CheckCreate', 3, '数据已存在，不再创建'],
  POP_BUSY: ['App.Table.FreePopOne', 1, '数据库繁忙（死锁或锁等待超时），未取出数据，请稍后重试，错误编号：{errorId}'],
  POP_NOTHING: ['App.Table.FreePopOne', 3, '查无数据'],
  POP_RANDOM_TOO_MANY: ['App.Table.FreePopOne', 4, '当前取随机数据已超过{max}条，为保证接口服务质量，请缩小条件范围'],
  TASK_MISSING: [['App.Task.Get', 'App.Task.Cancel'], 1, '任务不存在'],
  TASK_ENDED: ['App.Task.Cancel', 2, '任务已结束，不能取消：status = {status}'],
} as const satisfies Record<string, readonly [ServiceWithCodes | readonly ServiceWithCodes[], number, string]>;

export type BusinessKey = keyof typeof BUSINESS;
type SharedKey = { [K in BusinessKey]: (typeof BUSINESS)[K][0] extends string ? never : K }[BusinessKey];
type OwnKey = Exclude<BusinessKey, SharedKey>;

/** A business failure: `ret=200` with a registered non-zero `err_code`. Built by `businessError`. */
export class BusinessError extends Error {
  constructor(
    readonly service: ServiceWithCodes,
    readonly code: number,
    message: string,
    readonly key?: BusinessKey,
  ) {
    super(message);
    this.name = 'BusinessError';
    const known = ERR_CODES[service] as Record<number, string>;
    if (!(code in known) || code === 0) throw new Error(`unregistered err_code ${code} for ${service}`);
  }
}

/** The business failure `key` of a service's own: `businessError('USERNAME_TAKEN')`. */
export function businessError<K extends OwnKey>(key: K, ...[vars]: VarsArg<(typeof BUSINESS)[K][2]>): BusinessError;
/** A failure shared by several services, raised for `service`: `businessError('TABLE_MISSING', service, { table })`. */
export function businessError<K extends SharedKey>(
  key: K,
  service: (typeof BUSINESS)[K][0][number],
  ...[vars]: VarsArg<(typeof BUSINESS)[K][2]>
): BusinessError;
export function businessError(key: BusinessKey, ...args: unknown[]): BusinessError {
  const [services, code, template] = BUSINESS[key];
  const shared = typeof services !== 'string';
  const service = (shared ? args[0] : services) as ServiceWithCodes;
  const vars = (shared ? args[1] : args[0]) as Record<string, string | number> | undefined;
  if (shared && !(services as readonly string[]).includes(service)) throw new Error(`${key} is not a failure of ${service}`);
  return new BusinessError(service, code, render(template, vars), key);
}
