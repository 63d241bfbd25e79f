import { describe, expect, it } from 'vitest';
import { compileWhere, parseRaw, rawCondition, type Condition } from '../../src/where/index.js';
import { decodeMysqlString } from '../../src/where/mysql-string.js';
import { badRequestOf, dialects, golden, items } from './support/fixtures.js';

function raw(text: string) {
  return golden((d) => compileWhere({ logic: 'and', items: [rawCondition(text)] }, items, d));
}

/** The SQLite text and the params, for cases where the three engines differ only in quoting. */
function sqlite(text: string) {
  const g = raw(text);
  return [g.sqlite, g.params] as const;
}

describe('raw condition strings: accepted grammar', () => {
  it('compares columns with bound literals, in every spelling of the operators', () => {
    expect(raw("(id > 9 AND name = 'x') OR (qty != -2 && `price` <> 1.5)")).toEqual({
      sqlite: '("id" > ? AND "name" = ?) OR ("qty" <> ? AND "price" <> ?)',
      mysql: '(`id` > ? AND `name` = ?) OR (`qty` <> ? AND `price` <> ?)',
      mssql: '([id] > @p1 AND [name] = @p2) OR ([qty] <> @p3 AND [price] <> @p4)',
      params: [9, 'x', -2, 1.5],
    });
  });

  it('flattens AND/OR chains and keeps parentheses that matter', () => {
    expect(sqlite('id = 1 AND id = 2 AND (id = 3 OR id = 4 OR (id = 5 AND id = 6))')).toEqual([
      '"id" = ? AND "id" = ? AND ("id" = ? OR "id" = ? OR ("id" = ? AND "id" = ?))',
      [1, 2, 3, 4, 5, 6],
    ]);
  });

  it('NOT, IS [NOT] NULL, IN / NOT IN with literals, BETWEEN / NOT BETWEEN', () => {
    expect(raw("NOT (id = 1) AND NOT qty IS NULL AND name IS NOT NULL AND id IN (1, 2, NULL) AND name NOT IN ('a', 'b') AND qty BETWEEN 1 AND id AND qty NOT BETWEEN -1 AND 1")).toEqual({
      sqlite:
        'NOT ("id" = ?) AND NOT ("qty" IS NULL) AND "name" IS NOT NULL AND "id" IN (?, ?, NULL) AND "name" NOT IN (?, ?) AND "qty" BETWEEN ? AND "id" AND "qty" NOT BETWEEN ? AND ?',
      mysql:
        'NOT (`id` = ?) AND NOT (`qty` IS NULL) AND `name` IS NOT NULL AND `id` IN (?, ?, NULL) AND `name` NOT IN (?, ?) AND `qty` BETWEEN ? AND `id` AND `qty` NOT BETWEEN ? AND ?',
      mssql:
        'NOT ([id] = @p1) AND NOT ([qty] IS NULL) AND [name] IS NOT NULL AND [id] IN (@p2, @p3, NULL) AND [name] NOT IN (@p4, @p5) AND [qty] BETWEEN @p6 AND [id] AND [qty] NOT BETWEEN @p7 AND @p8',
      params: [1, 1, 2, 'a', 'b', 1, -1, 1],
    });
  });

  it('LIKE reads MySQL escapes (backslash by default, or the ESCAPE character) and re-escapes for the engine', () => {
    expect(raw("name LIKE 'a\\%b_%' AND name NOT LIKE 'x!_y' ESCAPE '!' AND title LIKE '[z]%'")).toEqual({
      sqlite: `"name" LIKE ? ESCAPE '!' AND "name" NOT LIKE ? ESCAPE '!' AND "title" LIKE ? ESCAPE '!'`,
      mysql: "`name` LIKE ? ESCAPE '!' AND `name` NOT LIKE ? ESCAPE '!' AND `title` LIKE ? ESCAPE '!'",
      mssql: `[name] LIKE @p1 ESCAPE '!' AND [name] NOT LIKE @p2 ESCAPE '!' AND [title] LIKE @p3 ESCAPE '!'`,
      params: ['a!%b_%', 'x!_y', '[z]%'],
      mssqlParams: ['a!%b_%', 'x!_y', '![z]%'],
    });
    // MySQL reads 'a\\b' as a\b, and LIKE then reads \b as b; a backslash takes four.
    expect(sqlite("name LIKE 'a\\\\b'")[1]).toEqual(['ab']);
    expect(sqlite("name LIKE 'a\\\\\\\\b'")[1]).toEqual(['a\\b']);
    expect(sqlite("name LIKE 'a%' ESCAPE ''")[1]).toEqual(['a%']);
  });

  it('decodes MySQL string literals: doubled quotes, backslash escapes, double-quoted strings', () => {
    expect(sqlite(`name IN ('it''s', 'a\\'b', "say ""hi""", 'tab\\there', '\\\\', 'x\\%')`)[1]).toEqual(["it's", "a'b", 'say "hi"', 'tab\there', '\\', 'x\\%']);
  });

  it(String.raw`decodes every MySQL backslash escape; \% and \_ keep their backslash for LIKE, others stand for the letter`, () => {
    expect(sqlite(String.raw`name IN ('\0', '\b', '\n', '\r', '\t', '\Z', '\%', '\_', '\x', '\"', '\\')`)[1]).toEqual([
      '\0',
      '\b',
      '\n',
      '\r',
      '\t',
      '\x1a',
      '\\%',
      '\\_',
      'x',
      '"',
      '\\',
    ]);
  });

  it('collapses only a doubled quote of the kind that opened the literal', () => {
    expect(sqlite(`name IN ('book', 'say ""hi""', "it''s", "a'b", 'a"b', "x""y")`)[1]).toEqual(['book', 'say ""hi""', "it''s", "a'b", 'a"b', 'x"y']);
    expect(sqlite(`name IN ('a''''b', "a""""b")`)[1]).toEqual(["a''b", 'a""b']);
  });

  it('reads comment marks, separators and variables inside either kind of literal as text', () => {
    expect(sqlite(`name = "a -- b" AND title = 'x # y; @z /* */' AND name <> "it's -- " AND name <> '*/'`)).toEqual([
      '"name" = ? AND "title" = ? AND "name" <> ? AND "name" <> ?',
      ['a -- b', 'x # y; @z /* */', "it's -- ", '*/'],
    ]);
  });

  it('allows tab, newline and carriage return, no other control character', () => {
    expect(sqlite('id\t=\n1\r')).toEqual(['"id" = ?', [1]]);
    for (const ch of ['\u0001', '\u0008', '\u000b', '\u000c', '\u000e', '\u001f', '\u007f']) {
      expect(badRequestOf(() => rawCondition(`id = 1 ${ch}`)), JSON.stringify(ch)).toContain('不允许含有控制字符（如NUL）');
    }
  });

  it('reads an escaped quote as part of the string, as MySQL does', () => {
    expect(sqlite("name = 'a\\' OR 1=1 -- '")).toEqual(['"name" = ?', ["a' OR 1=1 -- "]]);
  });

  it('arithmetic, with real division and NULL for a zero divisor on every engine', () => {
    expect(raw('qty + 1 > id * 2 - 3 AND qty / 2 >= 1.5 AND qty % 3 = 1 AND MOD(id, 2) = 0 AND -qty < -(id)')).toEqual({
      sqlite:
        '("qty" + ?) > (("id" * ?) - ?) AND ("qty" * 1.0 / NULLIF(?, 0)) >= ? AND ("qty" % NULLIF(?, 0)) = ? AND ("id" % NULLIF(?, 0)) = ? AND -("qty") < -("id")',
      mysql:
        '(`qty` + ?) > ((`id` * ?) - ?) AND (`qty` * 1.0 / NULLIF(?, 0)) >= ? AND (`qty` % NULLIF(?, 0)) = ? AND (`id` % NULLIF(?, 0)) = ? AND -(`qty`) < -(`id`)',
      mssql:
        '([qty] + @p1) > (([id] * @p2) - @p3) AND ([qty] * 1.0 / NULLIF(@p4, 0)) >= @p5 AND ([qty] % NULLIF(@p6, 0)) = @p7 AND ([id] % NULLIF(@p8, 0)) = @p9 AND -([qty]) < -([id])',
      params: [1, 2, 3, 2, 1.5, 3, 1, 2, 0],
    });
  });

  it('functions, spelled per engine', () => {
    expect(raw("LENGTH(name) > 3 AND CHAR_LENGTH(title) < 9 AND LOWER(name) = 'x' AND UCASE(title) = 'Y' AND TRIM(name) <> '' AND ABS(qty) <= 2 AND ROUND(price) = 3 AND ROUND(price, 1) = 2.5 AND IFNULL(qty, 0) = 0 AND COALESCE(name, title, 'z') = 'z'")).toEqual({
      sqlite:
        'LENGTH("name") > ? AND LENGTH("title") < ? AND LOWER("name") = ? AND UPPER("title") = ? AND TRIM("name") <> ? AND ABS("qty") <= ? AND ROUND("price", 0) = ? AND ROUND("price", ?) = ? AND COALESCE("qty", ?) = ? AND COALESCE("name", "title", ?) = ?',
      mysql:
        'CHAR_LENGTH(`name`) > ? AND CHAR_LENGTH(`title`) < ? AND LOWER(`name`) = ? AND UPPER(`title`) = ? AND TRIM(`name`) <> ? AND ABS(`qty`) <= ? AND ROUND(`price`, 0) = ? AND ROUND(`price`, ?) = ? AND COALESCE(`qty`, ?) = ? AND COALESCE(`name`, `title`, ?) = ?',
      mssql:
        'LEN([name]) > @p1 AND LEN([title]) < @p2 AND LOWER([name]) = @p3 AND UPPER([title]) = @p4 AND TRIM([name]) <> @p5 AND ABS([qty]) <= @p6 AND ROUND([price], 0) = @p7 AND ROUND([price], @p8) = @p9 AND COALESCE([qty], @p10) = @p11 AND COALESCE([name], [title], @p12) = @p13',
      params: [3, 9, 'x', 'Y', '', 2, 3, 1, 2.5, 0, 0, 'z', 'z'],
    });
  });

  it('coerces a literal to the type of what it meets, as triples do', () => {
    expect(sqlite("name = 5 AND qty = '7' AND id IN ('1', 2) AND add_time >= '2020-01-01' AND qty = TRUE")).toEqual([
      '"name" = ? AND "qty" = ? AND "id" IN (?, ?) AND "add_time" >= ? AND "qty" = ?',
      ['5', 7, 1, 2, '2020-01-01', 1],
    ]);
    expect(sqlite("'2020' - 1 = qty")).toEqual(['(? - ?) = "qty"', [2020, 1]]);
  });

  it('TRUE and FALSE as conditions', () => {
    expect(raw('TRUE OR FALSE')).toMatchObject({ sqlite: '1=1 OR 1=0', mssql: '1=1 OR 1=0', params: [] });
  });

  it('tolerates whitespace, newlines and redundant parentheses', () => {
    expect(sqlite('\n  ((( id\t=\r\n1 )))  ')).toEqual(['"id" = ?', [1]]);
  });
});

describe('raw condition strings: refusals say what was not allowed', () => {
  const refuse = (text: string) => badRequestOf(() => compileWhere({ logic: 'and', items: [rawCondition(text)] }, items, dialects.mysql));

  it.each([
    ['id = 1; DROP TABLE items', '不允许含有分号（多条语句）'],
    ['id = 1 -- comment', '不允许含有注释（--、#、/* */）'],
    ['id = 1 # comment', '不允许含有注释（--、#、/* */）'],
    ['id = 1 /* comment */', '不允许含有注释（--、#、/* */）'],
    ['id = 1 /*! OR 1=1 */', '不允许含有注释（--、#、/* */）'],
    ["name = 'x' -- '", '不允许含有注释（--、#、/* */）'],
    ['id = @x', '不允许使用变量（@x、@@x）'],
    ['id = @@version', '不允许使用变量（@x、@@x）'],
    ['id = 1\u0000', '不允许含有控制字符（如NUL）'],
    ["name = 'a\u0000b'", '不允许含有控制字符（如NUL）'],
    ['`id` = 1 AND `na me` = 1', '中反引号只能用于普通字段名'],
    ["name = 'x", '中的字符串没有结束引号'],
    ['', '不能为空'],
    ['   ', '不能为空'],
    ['id = 1 UNION SELECT 1', '只能是WHERE条件，不允许 UNION'],
    ['id = 1 UNION ALL SELECT password FROM users', '只能是WHERE条件，不允许 UNION'],
    ['id = 1 ORDER BY id', '只能是WHERE条件，不允许 ORDER BY'],
    ['id = 1 LIMIT 1', '只能是WHERE条件，不允许 LIMIT'],
    ['id = 1 GROUP BY id', '只能是WHERE条件，不允许 GROUP BY'],
    ['id = 1 HAVING id > 0', '只能是WHERE条件，不允许 HAVING'],
    ["id = 1 INTO OUTFILE '/tmp/x'", '只能是WHERE条件，不允许 INTO'],
    ['id = 1 FOR UPDATE', '只能是WHERE条件，不允许 FOR UPDATE / LOCK IN SHARE MODE'],
    ['id IN (SELECT id FROM items)', '不允许：子查询'],
    ['id = (SELECT 1)', '不允许：子查询'],
    ['EXISTS (SELECT 1)', '不允许：函数 EXISTS'],
    ['SLEEP(5) = 0', '不允许：函数 SLEEP'],
    ['BENCHMARK(1000000, MD5(1)) = 0', '不允许：函数 BENCHMARK'],
    ['id = LOAD_FILE(\'/etc/passwd\')', '不允许：函数 LOAD_FILE'],
    ['id = NOW()', '不允许：函数 NOW'],
    ['id = CURRENT_DATE', '不允许：函数 CURRENT_DATE'],
    ['COUNT(*) > 0', '不允许：聚合函数'],
    ['CASE WHEN id = 1 THEN 1 ELSE 0 END = 1', '不允许：CASE表达式'],
    ['CAST(id AS CHAR) = \'1\'', '不允许：CAST/CONVERT'],
    ['id = 0x41', '不允许：十六进制字面量'],
    ["name = X'41'", '不允许：十六进制字面量'],
    ["name = b'01'", '不允许：位串字面量'],
    ["name = N'x'", "不允许：N'…'字面量"],
    ["name = _binary'x'", '不允许：字符集前缀或BINARY'],
    ["name = 'x' COLLATE utf8mb4_bin", '不允许：COLLATE / USING'],
    ['name = title COLLATE utf8mb4_bin', '不允许：COLLATE'],
    ['items.id = 1', '不允许：表名限定'],
    ['db.items.id = 1', '不允许：库名限定'],
    ['id = ?', '不允许：关键字或占位符'],
    ['id = :x', '不允许：占位符'],
    ['id = $1', '不允许：变量'],
    ['id = 1e3', '不允许：数字写法 "1e3"'],
    ['id = 99999999999999999999', '不允许：数字 "99999999999999999999" 超出范围'],
    ['id', '不允许：这里需要条件（比较、IN、LIKE、IS NULL等），而不是值'],
    ['1', '不允许：这里需要条件（比较、IN、LIKE、IS NULL等），而不是值'],
    ['NOT id', '不允许：这里需要条件（比较、IN、LIKE、IS NULL等），而不是值'],
    ['(id = 1) = (id = 2)', '不允许：这里需要值，而不是条件'],
    ['id = 1 XOR id = 2', '不允许：运算符 XOR'],
    ['NOT (id) / 2 = 1', '不允许：NOT (…) 后面又接了运算，请把整个条件放进括号'],
    ['id = 1 OR id = 2 AND id = 3', '不允许：AND与OR混用时须用括号标明先后'],
    ['id = 1 AND id = 2 OR id = 3', '不允许：AND与OR混用时须用括号标明先后'],
    ['id = 1 AND NOT id = 2 OR id = 3', '不允许：AND与OR混用时须用括号标明先后'],
    ['id = 1 && id = 2 OR id = 3', '不允许：AND与OR混用时须用括号标明先后'],
    ['id = 1 || id = 2', '不允许：运算符 ||（请用OR）'],
    ['!(id = 1)', '不允许：运算符 !（请用NOT）'],
    ["name REGEXP '^a'", '不允许：运算符 REGEXP'],
    ["name RLIKE '^a'", '不允许：运算符 RLIKE'],
    ['id & 1 = 1', '不允许：运算符 &'],
    ['id DIV 2 = 1', '不允许：运算符 DIV（请用 / 或 ROUND）'],
    ['id IS TRUE', '不允许：IS 只能跟 NULL（IS NULL / IS NOT NULL）'],
    ['name LIKE title', '不允许：LIKE的模式只能是字符串字面量'],
    ["name LIKE 'x' ESCAPE 'ab'", '不允许：ESCAPE只能是一个字符'],
    ["name LIKE '%\\0%'", '不允许：LIKE的模式不能含有NUL字符'],
    ['id IN (qty, 2)', '不允许：IN列表中只能是字面量（数字、字符串、TRUE、FALSE、NULL）'],
    ['(id, qty) = (1, 2)', '不允许：行构造器（括号中的多个值）'],
    ['INTERVAL 1 DAY = 1', '不允许：INTERVAL'],
    ["MATCH (name) AGAINST ('x')", '不允许：MATCH … AGAINST'],
    ["id = DATE '2020-01-01'", '不允许：DATE/TIME字面量'],
    ['ROUND(price, qty) = 1', '不允许：ROUND的第二个参数只能是-30到30的整数'],
    ['ABS(1, 2) = 1', '不允许：函数 ABS 需要1个参数，但现在有2个'],
    ['COALESCE(qty) = 1', '不允许：函数 COALESCE 需要2到16个参数，但现在有1个'],
    ["TRIM(BOTH 'x' FROM name) = 'a'", '不允许：函数 TRIM 需要1个参数，但现在有4个'],
    ['sys.LOWER(name) = 1', '不允许：函数 （无法识别的函数名）'],
    ['id >', '不是合法的MySQL条件表达式（第5个字符附近）'],
    ['id = 1 = ', '不是合法的MySQL条件表达式'],
    ['id <=> 1', '不是合法的MySQL条件表达式'],
    ['id = 1)', '不是合法的MySQL条件表达式'],
    ['’ OR 1=1', '不是合法的MySQL条件表达式'],
    ['(((((((((((((((((id = 1)))))))))))))))))', '的括号嵌套不能超过16层'],
    ['LOWER(name)', '不允许：这里需要条件（比较、IN、LIKE、IS NULL等），而不是值'],
    ['id = (NOT qty = 1)', '不允许：这里需要值，而不是条件'],
    ['CONVERT(id USING utf8) = 1', '不允许：函数 CONVERT（允许的函数：'],
    ["LOWER(name) OVER () = 'a'", '不允许：窗口函数（OVER）'],
    ['id = 1 LOCK IN SHARE MODE', '只能是WHERE条件，不允许 FOR UPDATE / LOCK IN SHARE MODE'],
    ['`id', '中反引号只能用于普通字段名'],
    ['id = 1 */', '不允许含有注释（--、#、/* */）'],
    ['id = 1 /* open', '不允许含有注释（--、#、/* */）'],
    ['id */ 2 = 1', '不允许含有注释（--、#、/* */）'],
    ['id = 1 --', '不允许含有注释（--、#、/* */）'],
    ['`id = 1', '中反引号只能用于普通字段名'],
    ['name = "x', '中的字符串没有结束引号'],
    ["name = 'x\\'", '中的字符串没有结束引号'],
    ["name = 'it''", '中的字符串没有结束引号'],
    ['id = 1 WINDOW w AS ()', '只能是WHERE条件，不允许 WINDOW'],
    ["id = TIME '10:00'", '不允许：DATE/TIME字面量'],
    ["id = TIMESTAMP '2020-01-01 00:00:00'", '不允许：DATE/TIME字面量'],
    ["id = DATETIME '2020-01-01'", '不允许：DATE/TIME字面量'],
    ['~id = 1', '不允许：这里需要条件（比较、IN、LIKE、IS NULL等），而不是值'],
    ['id + 1', '不允许：这里需要条件（比较、IN、LIKE、IS NULL等），而不是值'],
    ['id DIV 2', '不允许：运算符 DIV（请用 / 或 ROUND）'],
    ['id BETWEEN 1 AND 2 AND 3', '不允许：这里需要条件（比较、IN、LIKE、IS NULL等），而不是值'],
    ['NOT(id = 1, id = 2)', '不允许：NOT (…) 后面又接了运算'],
    ['ROUND(price, 31) = 1', '不允许：ROUND的第二个参数只能是-30到30的整数'],
    ['ROUND(price, -31) = 1', '不允许：ROUND的第二个参数只能是-30到30的整数'],
    ['ROUND(price, 1.5) = 1', '不允许：ROUND的第二个参数只能是-30到30的整数'],
    ["ROUND(price, '1') = 1", '不允许：ROUND的第二个参数只能是-30到30的整数'],
    ['ROUND(price, 1, 2) = 1', '不允许：函数 ROUND 需要1到2个参数，但现在有3个'],
    ['COALESCE() = 1', '不允许：函数 COALESCE 需要2到16个参数，但现在有0个'],
    [`COALESCE(${Array.from({ length: 17 }, () => 'qty').join(', ')}) = 1`, '不允许：函数 COALESCE 需要2到16个参数，但现在有17个'],
    ['IFNULL(qty, 1, 2) = 1', '不允许：函数 IFNULL 需要2个参数，但现在有3个'],
    ['MOD(qty) = 1', '不允许：函数 MOD 需要2个参数，但现在有1个'],
    ['LOWER() = 1', '不允许：函数 LOWER 需要1个参数，但现在有0个'],
    ['`LOWER`(name) = 1', '不允许：函数 （无法识别的函数名）（允许的函数：LENGTH、CHAR_LENGTH、CHARACTER_LENGTH、LOWER、LCASE、UPPER、UCASE、TRIM、LTRIM、RTRIM、ABS、ROUND、COALESCE、IFNULL、MOD）'],
    [`id = 1${'0'.repeat(400)}.5`, '不允许：数字 "1000'],
  ])('%s', (text, detail) => {
    expect(refuse(text)).toContain(detail);
    expect(refuse(text)).toMatch(/^客户端非法请求：参数where中的条件字符串 /);
  });

  it('refuses type confusion the engines would each resolve differently', () => {
    expect(refuse("qty = 'abc'")).toBe('客户端非法请求：参数where中的条件字符串 "qty = \'abc\'" 有误："abc" 不是数值');
    expect(refuse('name + 1 > 2')).toContain('有误：算术运算和ABS、ROUND只能用于数值，不能用于文本');
    expect(refuse('name = qty')).toContain('有误：文本与数值不能相互比较');
    expect(refuse("1 = 'a'")).toContain('有误：数值与文本不能相互比较');
    expect(refuse('add_time = 20200101')).toContain('有误："20200101" 不是日期时间');
    expect(refuse('LOWER(qty) = 1')).toContain('有误：函数 LOWER 不能用于数值');
    expect(refuse("LENGTH(add_time) = 1")).toContain('有误：函数 LENGTH 不能用于日期时间');
    expect(refuse("COALESCE(qty, 'x') = 1")).toContain('有误："x" 不是数值');
    expect(refuse('nope = 1')).toBe('客户端非法请求：参数where中的字段 nope 不存在');
    expect(refuse('`nope` = 1')).toBe('客户端非法请求：参数where中的字段 nope 不存在');
    expect(refuse('中文 = 1')).toContain('不允许：字段名 "中文"');
  });

  it('refuses a raw string over 2000 characters', () => {
    expect(refuse(`id = ${'1'.padStart(2000, '0')}`)).toContain('不能超过2000个字符');
  });
});

describe('raw condition strings: the shape of what is parsed', () => {
  const exprOf = (text: string) => (rawCondition(text) as Condition & { kind: 'raw' }).expr;

  it('reads a LIKE pattern as runs of text and wildcards', () => {
    expect(exprOf("name LIKE 'ab%c_d'")).toEqual({
      kind: 'like',
      negated: false,
      operand: { kind: 'column', name: 'name' },
      pattern: [{ kind: 'text', text: 'ab' }, { kind: 'any' }, { kind: 'text', text: 'c' }, { kind: 'one' }, { kind: 'text', text: 'd' }],
    });
    expect(exprOf("name NOT LIKE 'a!%b' ESCAPE '!'")).toMatchObject({ negated: true, pattern: [{ kind: 'text', text: 'a%b' }] });
  });

  it('reads a double-quoted pattern and ESCAPE, and any one character as the escape', () => {
    expect(sqlite('name LIKE "a!%%" ESCAPE "!"')).toEqual([`"name" LIKE ? ESCAPE '!'`, ['a!%%']]);
    expect(sqlite("name LIKE 'a!%' ESCAPE '😀'")).toEqual([`"name" LIKE ? ESCAPE '!'`, ['a!!%']]);
  });

  it('folds a minus on a number into the number; keeps it on anything else', () => {
    expect(sqlite('-(5) = qty AND - 5 = qty AND -(qty) = 5')).toEqual(['? = "qty" AND ? = "qty" AND -("qty") = ?', [-5, -5, 5]]);
    expect(sqlite('id = +5 AND +id = 5')).toEqual(['"id" = ? AND "id" = ?', [5, 5]]);
  });

  it('MOD written between its operands, TRUE and FALSE as values', () => {
    expect(sqlite('id MOD 2 = 1 AND qty = FALSE AND qty <> TRUE')).toEqual(['("id" % NULLIF(?, 0)) = ? AND "qty" = ? AND "qty" <> ?', [2, 1, 0, 1]]);
  });

  it('a column name may hold digits after its first character', () => {
    expect(exprOf('c1 = 1')).toEqual({ kind: 'compare', op: '=', left: { kind: 'column', name: 'c1' }, right: { kind: 'literal', value: 1 } });
  });

  it('names the parameter `where` when none is given', () => {
    expect(badRequestOf(() => parseRaw('id = @x'))).toBe('客户端非法请求：参数where中的条件字符串 "id = @x" 不允许使用变量（@x、@@x）');
  });
});

describe('raw condition strings: boundaries and what each refusal names', () => {
  const refuse = (text: string) => badRequestOf(() => parseRaw(text));

  it('ROUND takes an integer literal as its digits, nothing else (raw-types.test.ts: -30 and 30 pass)', () => {
    for (const digits of ['31', '-31', '0.5', 'NULL', "'2'", 'qty', '-(qty)', '1 + 1', 'ABS(2)']) {
      expect(refuse(`ROUND(price, ${digits}) = 1`), digits).toContain('不允许：ROUND的第二个参数只能是-30到30的整数');
    }
  });

  it('a fraction is never out of range, however many digits it has; a long integer is', () => {
    expect(sqlite('id = 12345678901234567890.5')).toEqual(['"id" = ?', [12345678901234567000]]);
    expect(sqlite('id = 9007199254740991')).toEqual(['"id" = ?', [9007199254740991]]);
    expect(refuse('id = 9007199254740993')).toContain('不允许：数字 "9007199254740993" 超出范围');
  });

  it('IN takes a list in parentheses only', () => {
    expect(refuse('id IN name')).toContain('不允许：列表只能是括号中的值列表');
  });

  it('names the wildcard * where a value belongs', () => {
    expect(refuse('id = *')).toMatch(/不允许：通配符 \*$/);
    expect(refuse('LOWER(*) = 1')).toMatch(/不允许：通配符 \*$/);
  });

  it('decodes a string body on its own: a lone quote and a trailing backslash stay as written', () => {
    expect(decodeMysqlString("it's", "'")).toBe("it's");
    expect(decodeMysqlString('say "hi"', '"')).toBe('say "hi"');
    expect(decodeMysqlString('a\\', "'")).toBe('a\\');
    expect(decodeMysqlString('\\n\\', "'")).toBe('\n\\');
  });

  it('decodes every backslash escape MySQL knows, and keeps the backslash of \\% and \\_ for LIKE', () => {
    expect(decodeMysqlString('a\\0b\\bc\\nd\\re\\tf\\Zg', "'")).toBe('a\0b\bc\nd\re\tf\x1ag');
    expect(decodeMysqlString('50\\% \\_x \\q \\\\', "'")).toBe('50\\% \\_x q \\');
  });
});
