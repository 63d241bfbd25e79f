/**
 * `parseUrlEncoded` walks the pairs with indexOf: it must read every text as the split-based
 * reading did (pairs on `&`, the name up to a pair's first `=`, empty names dropped, a repeated
 * name with another value refused), and find the `=` of many pairs without one in one search.
 */
import { describe, expect, it, vi } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { parseUrlEncoded } from '../../src/legacy/params.js';

/** The reading by split, as parseUrlEncoded was written before: the reference. */
function bySplit(text: string): Map<string, string> | 'refused' {
  const out = new Map<string, string>();
  const decode = (s: string) => (/[%+]/.test(s) ? decodeURIComponent(s.replace(/\+/g, ' ')) : s);
  try {
    for (const pair of text.split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const name = decode(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
      if (!name) continue;
      if (out.has(name) && out.get(name) !== value) return 'refused';
      out.set(name, value);
    }
  } catch {
    return 'refused';
  }
  return out;
}

function read(text: string): Map<string, string> | 'refused' {
  try {
    return parseUrlEncoded(text);
  } catch (err) {
    if (err instanceof ProtocolError) return 'refused';
    throw err;
  }
}

/** A small deterministic generator (mulberry32), so a failure names a reproducible text. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The pieces texts are made of: separators, escapes good and bad, plain and multi-byte text. */
const PIECES = ['&', '=', '&&', '==', 'a', 'b', 's', 'App.Hello.World', '+', '%20', '%E4%BD%A0', '%E4', '%zz', '%', '你', 'x=1', '=v'];

describe('parseUrlEncoded', () => {
  it.each([
    ['', []],
    ['s=App.Hello.World&name=bench', [['s', 'App.Hello.World'], ['name', 'bench']]],
    ['&&a=1&&b&=x&c==2&', [['a', '1'], ['b', ''], ['c', '=2']]],
    ['a=1&a=1', [['a', '1']]],
    ['name=%E4%BD%A0+b&x=a%2Bb', [['name', '你 b'], ['x', 'a+b']]],
  ])('reads %j', (text, pairs) => {
    expect([...parseUrlEncoded(text)]).toEqual(pairs);
  });

  it('refuses a name given twice with different values, and a bad escape', () => {
    expect(read('a=1&a=2')).toBe('refused');
    expect(read('a=%E4')).toBe('refused');
    expect(read('plain&a=%zz')).toBe('refused');
  });

  it('reads 5,000 generated texts as the split-based reading does', () => {
    const next = random(12);
    for (let i = 0; i < 5000; i++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 12) }, () => PIECES[Math.floor(next() * PIECES.length)]).join('');
      expect(read(text), text).toEqual(bySplit(text));
    }
  });

  it('searches for the `=` of a run of pairs without one once, not once per pair (a walk that did would be quadratic)', () => {
    const indexOf = vi.spyOn(String.prototype, 'indexOf');
    try {
      expect([...parseUrlEncoded('a&'.repeat(1000) + 'b=1&c=2')]).toEqual([
        ['a', ''],
        ['b', '1'],
        ['c', '2'],
      ]);
      expect(indexOf.mock.calls.filter(([what]) => what === '=')).toHaveLength(2);
    } finally {
      indexOf.mockRestore();
    }
  });
});
