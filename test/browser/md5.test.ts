/**
 * The playground signs in the page with its own MD5 (WebCrypto has none): the exact source it
 * serves must agree with node:crypto, which the server checks signatures with, on every input.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MD5_SOURCE } from '../../src/http/playground-md5.js';

const md5 = new Function(`${MD5_SOURCE}\nreturn md5;`)() as (text: string) => string;
const nodeMd5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('the playground page md5', () => {
  it('answers the RFC 1321 test suite', () => {
    expect(
      ['', 'a', 'abc', 'message digest', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '1234567890'.repeat(8)].map(md5),
    ).toEqual([
      'd41d8cd98f00b204e9800998ecf8427e',
      '0cc175b9c0f1b6a831c399e269772661',
      '900150983cd24fb0d6963f7d28e17f72',
      'f96b697d7cb7938d525a2f31aaf161d0',
      'c3fcd3d76192e4007dfb496cca67e13b',
      'd174ab98d277d9f5a5611c2c9f419d9f',
      '57edf4a22be3c955ac49da2e2107b67a',
    ]);
  });

  it('agrees with node:crypto at every padding boundary (0 to 200 bytes)', () => {
    for (let n = 0; n <= 200; n++) expect(md5('x'.repeat(n)), `${n} bytes`).toBe(nodeMd5('x'.repeat(n)));
  });

  it('agrees with node:crypto on any text, hashing its UTF-8 bytes (CJK, emoji, lone surrogates)', () => {
    const char = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), // lone surrogates too
      fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    );
    const text = fc.array(char, { maxLength: 300 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, (t) => md5(t) === nodeMd5(t)),
      { numRuns: 1000 },
    );
    expect(md5('小白开放接口😀')).toBe(nodeMd5('小白开放接口😀'));
  });

  it('agrees with node:crypto on a signed body as the page sends it, and on a megabyte', () => {
    const body = JSON.stringify({ query: '{ hello(name: "小白") }', variables: { a: [1, 2] } });
    expect(md5(body + 'secret').toUpperCase()).toBe(nodeMd5(body + 'secret').toUpperCase());
    const big = 'é'.repeat(512 * 1024);
    expect(md5(big)).toBe(nodeMd5(big));
  });
});
