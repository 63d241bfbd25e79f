/**
 * The legacy listener's request target: the plain targets it splits without a URL parse come out
 * exactly as the URL parse gives them, whatever the characters.
 */
import fc from 'fast-check';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { splitPlainTarget, targetOf } from '../../src/http/legacy-node.js';

const of = (url: string) => targetOf({ url } as IncomingMessage);

function byUrl(target: string): { pathname: string; query: string } {
  const url = new URL(`http://localhost${target}`);
  return { pathname: url.pathname, query: url.search.slice(1) };
}

describe('targetOf', () => {
  it.each([
    ['/?s=App.Hello.World&name=%E5%B0%8F', { pathname: '/', query: 's=App.Hello.World&name=%E5%B0%8F' }],
    ['//?s=App.Hello.World', { pathname: '//', query: 's=App.Hello.World' }],
    ['/api/App/Hello/World', { pathname: '/api/App/Hello/World', query: '' }],
    ['/a/../b?x', { pathname: '/b', query: 'x' }],
    ['/a/%2e%2E/b', { pathname: '/b', query: '' }],
    ["/?n='x'", { pathname: '/', query: 'n=%27x%27' }],
    ['/?w=[["id","=",1]]', { pathname: '/', query: 'w=[[%22id%22,%22=%22,1]]' }],
    ['/a\\b?x#frag', { pathname: '/a/b', query: 'x' }],
    ['/?', { pathname: '/', query: '' }],
  ])('%s', (target, expected) => {
    expect(of(target)).toEqual(expected);
    expect(byUrl(target)).toEqual(expected);
  });

  it("splits the SDKs' targets without a URL parse", () => {
    // What the platform's SDKs send: the service's dots, encoded values, a JSON where.
    for (const target of ['/?s=App.Hello.World&name=bench&app_key=A1&sign=F00', '//?s=App.Table.FreeQuery&where=%5B%5B%22id%22%2C%22%3E%22%2C1%5D%5D', '/api/App.Hello.World?x=1.5']) {
      expect(splitPlainTarget(target)).toEqual(byUrl(target));
    }
    for (const target of ['/./?s=x', '/a/..?s=x', '/%2E?s=x', '/?s=a b', '/?s=é', '/a\\b', '/?s=x#f']) {
      expect(splitPlainTarget(target)).toBeNull();
    }
  });

  it('is null for a target that is not a path', () => {
    expect(of('*')).toBeNull();
    expect(of('http://example.com/')).toBeNull();
  });

  it('gives what the URL parse gives for any target', () => {
    const char = fc.constantFrom(...'aZ09-._~!$&\'()*+,;=:@/?%#[]{}"<>|\\^` é'.split(''), '%2e', '%2E', '/.', '/..', '%41', '%zz');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 30 }), (chars) => {
        const target = '/' + chars.join('');
        expect(of(target)).toEqual(byUrl(target));
        const plain = splitPlainTarget(target);
        if (plain) expect(plain).toEqual(byUrl(target));
      }),
      { numRuns: 2000 },
    );
  });
});
