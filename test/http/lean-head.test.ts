/** The request heads the lean front answers itself, and every kind it leaves to node's server. */
import { describe, expect, it } from 'vitest';
import { MAX_LEAN_BODY, MAX_LEAN_HEAD, parseLeanHead, type LeanHead } from '../../src/http/lean-head.js';

const parse = (text: string) => parseLeanHead(Buffer.from(text, 'latin1'));

describe('parseLeanHead', () => {
  it('reads a GET and a POST in the subset: target, headers by lower-case name, raw headers, lengths, persistence', () => {
    const get = parse('GET /?s=App.Hello.World&name=a HTTP/1.1\r\nHost: h:1\r\nX-App-Key:  k \r\n\r\nnext') as LeanHead;
    expect(get).toMatchObject({
      method: 'GET',
      url: '/?s=App.Hello.World&name=a',
      target: { pathname: '/', query: 's=App.Hello.World&name=a' },
      headers: { host: 'h:1', 'x-app-key': 'k' },
      rawHeaders: ['Host', 'h:1', 'X-App-Key', 'k'],
      bodyLength: 0,
      close: false,
    });
    expect(get.headLength).toBe(Buffer.byteLength('GET /?s=App.Hello.World&name=a HTTP/1.1\r\nHost: h:1\r\nX-App-Key:  k \r\n\r\n'));
    const post = parse('POST /graphql HTTP/1.1\r\nhost: h\r\ncontent-length: 0007\r\nConnection: Close\r\n\r\n') as LeanHead;
    expect(post).toMatchObject({ method: 'POST', bodyLength: 7, close: true });
    expect(parse(`POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${MAX_LEAN_BODY}\r\n\r\n`)).toMatchObject({ bodyLength: MAX_LEAN_BODY });
  });

  it('waits for the rest of a head while it may still end within the limit', () => {
    expect(parse('GET / HTTP/1.1\r\nHost: h\r\n')).toBe('more');
    expect(parse('G')).toBe('more');
    expect(parse('GET / HTTP/1.1\r\nX: ' + 'a'.repeat(MAX_LEAN_HEAD))).toBeNull();
    expect(parse('GET / HTTP/1.1\r\nHost: h\r\nX: ' + 'a'.repeat(MAX_LEAN_HEAD) + '\r\n\r\n')).toBeNull();
  });

  it.each([
    ['a method outside GET and POST', 'HEAD / HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['OPTIONS', 'OPTIONS /graphql HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['HTTP/1.0', 'GET / HTTP/1.0\r\nHost: h\r\n\r\n'],
    ['an absolute target', 'GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['a raw UTF-8 byte in the target', 'GET /?a=\xe5\xb0\x8f HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['a raw space in the target', 'GET /?a=b c HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['a dot segment', 'GET /a/../b HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['a blank line before the request line', '\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['no Host', 'GET / HTTP/1.1\r\nX: y\r\n\r\n'],
    ['a header named twice', 'GET / HTTP/1.1\r\nHost: h\r\nHost: i\r\n\r\n'],
    ['Content-Length twice', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\n'],
    ['Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['Transfer-Encoding beside Content-Length', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['Expect', 'POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n'],
    ['Upgrade', 'GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
    ['another Connection value', 'GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, TE\r\n\r\n'],
    ['a Content-Length not of digits', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +4\r\n\r\n'],
    ['an empty Content-Length', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n'],
    ['a body over the limit', `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${MAX_LEAN_BODY + 1}\r\n\r\n`],
    ['a body on a GET', 'GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx'],
    ['a folded header line', 'GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n'],
    ['a bare LF', 'GET / HTTP/1.1\r\nHost: h\nX: a\r\n\r\n'],
    ['a bare CR in a value', 'GET / HTTP/1.1\r\nHost: h\rX: a\r\n\r\n'],
    ['a space before the colon', 'GET / HTTP/1.1\r\nHost : h\r\n\r\n'],
    ['a byte above ASCII in a value', 'GET / HTTP/1.1\r\nHost: h\r\nX: \xe5\r\n\r\n'],
    ['a NUL in a value', 'GET / HTTP/1.1\r\nHost: h\r\nX: a\x00b\r\n\r\n'],
    ['a lower-case method', 'get / HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['two spaces in the request line', 'GET  / HTTP/1.1\r\nHost: h\r\n\r\n'],
  ])('leaves %s to node', (_kind, text) => {
    expect(parse(text)).toBeNull();
  });
});
