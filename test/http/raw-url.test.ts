/**
 * The request-line normalizer byte by byte: what it rewrites, what it leaves alone, and that
 * it behaves the same however the bytes are split into chunks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainRequestLine, MAX_LINE, normalizeRequestLine, RequestLineNormalizer } from '../../src/http/raw-url.js';

const b = (s: string) => Buffer.from(s, 'utf8');

/** All output for `input` fed in the given chunk sizes (the rest in one chunk). */
function run(input: Buffer, cuts: number[] = []): { out: Buffer; passing: boolean } {
  const n = new RequestLineNormalizer();
  const parts: Buffer[] = [];
  let at = 0;
  for (const c of cuts) {
    const end = Math.min(input.length, at + c);
    parts.push(...n.push(input.subarray(at, end)));
    at = end;
  }
  if (at < input.length) parts.push(...n.push(input.subarray(at)));
  const passing = n.passing;
  parts.push(...n.end());
  return { out: Buffer.concat(parts), passing };
}

const text = (input: string) => run(b(input)).out.toString('latin1');

describe('normalizeRequestLine', () => {
  it('percent-encodes raw UTF-8 bytes and inner spaces of the target, and nothing else', () => {
    const line = b('GET /?s=App.Hello.World&name=小白 x&order=["id DESC"] HTTP/1.1\r\n');
    expect(normalizeRequestLine(line)?.toString('latin1')).toBe(
      'GET /?s=App.Hello.World&name=%E5%B0%8F%E7%99%BD%20x&order=["id%20DESC"] HTTP/1.1\r\n',
    );
  });

  it('returns the very same buffer when nothing needs rewriting', () => {
    const line = b('POST //?s=App.Hello.World&a=%20["x"]{}|^ HTTP/1.0\r\n');
    expect(normalizeRequestLine(line)).toBe(line);
  });

  it('encodes bytes that are not UTF-8 too (the service then refuses them as before)', () => {
    const line = Buffer.concat([b('GET /?n='), Buffer.from([0xff, 0x80]), b(' HTTP/1.1\r\n')]);
    expect(normalizeRequestLine(line)?.toString('latin1')).toBe('GET /?n=%FF%80 HTTP/1.1\r\n');
  });

  it.each([
    ['no CRLF', 'GET /a b HTTP/1.1\n'],
    ['bare CR inside', 'GET /a\rb HTTP/1.1\r\n'],
    ['a tab', 'GET /a\tb HTTP/1.1\r\n'],
    ['a control byte', 'GET /a\u0001b HTTP/1.1\r\n'],
    ['DEL', 'GET /a\u007fb HTTP/1.1\r\n'],
    ['another version', 'GET /a b HTTP/2.0\r\n'],
    ['no version', 'GET /a b\r\n'],
    ['no method', ' /a b HTTP/1.1\r\n'],
    ['a method that is not a token', 'G(T /a b HTTP/1.1\r\n'],
    ['two spaces after the method', 'GET  /a HTTP/1.1\r\n'],
    ['two spaces before the version', 'GET /a  HTTP/1.1\r\n'],
    ['an empty target', 'GET  HTTP/1.1\r\n'],
    ['CONNECT', 'CONNECT host:443 HTTP/1.1\r\n'],
  ])('leaves a line it does not understand alone: %s', (_name, line) => {
    expect(normalizeRequestLine(b(line))).toBeNull();
  });
});

describe('RequestLineNormalizer', () => {
  it('rewrites the request line of every pipelined request, never headers or Content-Length bodies', () => {
    const body = 'GET /?x=小 y HTTP/1.1\r\nHost: é\r\n\r\n';
    const input =
      'GET /?a=小 b HTTP/1.1\r\nHost: x\r\nX-Raw: 小 b\r\n\r\n' +
      `POST /?c=é HTTP/1.1\r\nHost: x\r\nContent-Length: ${b(body).length}\r\n\r\n${body}` +
      '\r\nGET /?d=ü HTTP/1.0\r\n\r\n';
    expect(text(input)).toBe(
      b(
        'GET /?a=%E5%B0%8F%20b HTTP/1.1\r\nHost: x\r\nX-Raw: 小 b\r\n\r\n' +
          `POST /?c=%C3%A9 HTTP/1.1\r\nHost: x\r\nContent-Length: ${b(body).length}\r\n\r\n${body}` +
          '\r\nGET /?d=%C3%BC HTTP/1.0\r\n\r\n',
      ).toString('latin1'),
    );
  });

  it.each([
    ['Transfer-Encoding', 'Transfer-Encoding: chunked\r\n'],
    ['Transfer-Encoding with Content-Length', 'Content-Length: 3\r\ntransfer-encoding: chunked\r\n'],
    ['Upgrade', 'Upgrade: websocket\r\nConnection: Upgrade\r\n'],
    ['two Content-Length headers', 'Content-Length: 3\r\nContent-Length: 3\r\n'],
    ['a Content-Length that is not a number', 'Content-Length: 3x\r\n'],
    ['a Content-Length list', 'Content-Length: 3, 3\r\n'],
    ['an obsolete line folding', 'X-A: 1\r\n  folded\r\n'],
    ['a space before the colon', 'Content-Length : 3\r\n'],
    ['a header line without colon', 'Oops\r\n'],
    ['a bare LF', 'X-A: 1\n'],
    ['a bare CR', 'X-A: 1\r2\r\n'],
  ])('stops rewriting for the rest of the connection on %s', (_name, headers) => {
    const input = `POST / HTTP/1.1\r\nHost: x\r\n${headers}\r\nabc\r\n\r\nGET /?a=小 HTTP/1.1\r\n\r\n`;
    const { out, passing } = run(b(input));
    expect(passing).toBe(true);
    expect(out.equals(b(input))).toBe(true);
  });

  it('stops rewriting after a line it does not understand, and after an overlong line', () => {
    for (const input of ['GET /a\tb HTTP/1.1\r\n\r\nGET /?a=小 HTTP/1.1\r\n\r\n', `GET /${'x'.repeat(MAX_LINE)} HTTP/1.1\r\n\r\nGET /?a=小 HTTP/1.1\r\n\r\n`]) {
      const { out, passing } = run(b(input));
      expect(passing).toBe(true);
      expect(out.equals(b(input))).toBe(true);
    }
  });

  it('skips empty lines before a request line, as node does', () => {
    expect(text('\r\n\r\nGET /?a=小 HTTP/1.1\r\n\r\n')).toBe('\r\n\r\nGET /?a=%E5%B0%8F HTTP/1.1\r\n\r\n');
  });

  it('hands on a partial request line when the input ends', () => {
    const n = new RequestLineNormalizer();
    expect(n.push(b('GET /?a=小'))).toEqual([]);
    expect(Buffer.concat(n.end()).toString()).toBe('GET /?a=小');
  });

  it('hands on a chunk that needs no rewriting as that one buffer, and a rewritten one in three pieces at most', () => {
    const n = new RequestLineNormalizer();
    const chunk = b('GET /?s=App.Hello.World HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nabGET / HTTP/1.1\r\n\r\n');
    const out = n.push(chunk);
    expect(out).toHaveLength(1);
    expect(out[0]).toBe(chunk);
    const rewritten = n.push(b('\r\nGET /?a=小 HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(rewritten.map((p) => p.toString())).toEqual(['\r\n', 'GET /?a=%E5%B0%8F HTTP/1.1\r\n', 'Host: x\r\n\r\n']);
  });

  it('passes headers on at once and holds only the request line', () => {
    const n = new RequestLineNormalizer();
    expect(Buffer.concat(n.push(b('GET / HTTP/1.1\r\nHost: x'))).toString()).toBe('GET / HTTP/1.1\r\nHost: x');
    expect(Buffer.concat(n.push(b('\r\n\r\nGET /?a'))).toString()).toBe('\r\n\r\n');
  });

  it('tells where the request line it holds open began, counted over every push, however the input is split', () => {
    // The body (9 bytes) ends in `GET `: only its framing tells where the request line begins.
    const input = b('POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc\r\nGET GET /?a=小');
    const start = input.indexOf('GET /?a');
    const firstEnd = input.indexOf('\n') + 1;
    for (let cut = 0; cut <= input.length; cut++) {
      const n = new RequestLineNormalizer();
      n.push(input.subarray(0, cut));
      const open = cut > start ? start : cut > 0 && cut < firstEnd ? 0 : null;
      expect(n.openLineStart, `cut at ${cut}`).toBe(open);
      n.push(input.subarray(cut));
      expect(n.openLineStart).toBe(start);
      n.push(b(' HTTP/1.1\r\n'));
      expect(n.openLineStart).toBeNull();
    }
  });
});

// Properties over generated traffic.
const tokenChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'.split(''));
const targetChar = fc.constantFrom(...'abcXYZ019/?&=%[]{}"\'.,;:+*!~|^`@$-_'.split(''));
const headerName = fc.string({ unit: tokenChar, minLength: 1, maxLength: 12 }).filter((n) => !/^(content-length|transfer-encoding|upgrade)$/i.test(n));
const headerValue = fc.string({ unit: fc.constantFrom(...'abc 019;=,/"é小'.split('')), maxLength: 20 }).map((v) => v.trim());
const wellFormed = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'),
    target: fc.string({ unit: targetChar, maxLength: 40 }).map((t) => '/' + t),
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0'),
    headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 }),
    body: fc.uint8Array({ maxLength: 60 }),
    leadingEmptyLine: fc.boolean(),
  })
  .map(({ method, target, version, headers, body, leadingEmptyLine }) => {
    const head = `${leadingEmptyLine ? '\r\n' : ''}${method} ${target} ${version}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}`;
    const framing = body.length ? `Content-Length: ${body.length}\r\n` : '';
    return Buffer.concat([b(head + framing + '\r\n'), Buffer.from(body)]);
  });
const cuts = fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 30 });
const count = (buf: Buffer, byte: number) => buf.reduce((n, x) => n + (x === byte ? 1 : 0), 0);

describe('RequestLineNormalizer properties', () => {
  it('takes a line as plain only when normalizeRequestLine would return it unchanged', () => {
    const piece = fc.constantFrom('GET', 'POST', 'CONNECT', 'G(T', ' ', '  ', '/', '/?a=1', 'é', '小', '\t', '\u0001', '\u007f', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', '\r', '\n', 'x'.repeat(33));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.boolean(), (pieces, crlf) => {
        const line = b(pieces.join('') + (crlf ? '\r\n' : ''));
        const plain = isPlainRequestLine(line.toString('latin1'));
        if (plain) expect(normalizeRequestLine(line)).toBe(line);
      }),
      { numRuns: 3000 },
    );
    expect(isPlainRequestLine('GET /?s=App.Hello.World HTTP/1.1\r\n')).toBe(true);
    expect(isPlainRequestLine('GET /?n=小 HTTP/1.1\r\n')).toBe(false);
  });

  it('passes well-formed traffic through byte-identical, however it is split', () => {
    fc.assert(
      fc.property(fc.array(wellFormed, { minLength: 1, maxLength: 5 }), cuts, (requests, split) => {
        const input = Buffer.concat(requests);
        const { out, passing } = run(input, split);
        expect(out.equals(input)).toBe(true);
        expect(passing).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same bytes for any split, never adds or removes CR or LF, and never grows a byte that is not in a request target', () => {
    const noisy = fc.array(
      fc.oneof(
        wellFormed,
        fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u)),
        fc.constantFrom(b('GET /?a=小 b HTTP/1.1\r\n'), b('\r\n'), b('Content-Length: 4\r\n'), b('Transfer-Encoding: chunked\r\n'), b(' HTTP/1.1\r\n')),
      ),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(noisy, cuts, (pieces, split) => {
        const input = Buffer.concat(pieces);
        const whole = run(input).out;
        expect(run(input, split).out.equals(whole)).toBe(true);
        expect(count(whole, 0x0d)).toBe(count(input, 0x0d));
        expect(count(whole, 0x0a)).toBe(count(input, 0x0a));
        // Undo the only rewrite (%XX of a byte ≥ 0x80 or a space) and the input comes back.
        const undone = Buffer.from(whole.toString('latin1').replace(/%([89A-F][0-9A-F]|20)/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
        const inputUndone = Buffer.from(input.toString('latin1').replace(/%([89A-F][0-9A-F]|20)/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
        expect(undone.equals(inputUndone)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
