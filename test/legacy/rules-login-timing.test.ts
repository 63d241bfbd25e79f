/** App.User.Login spends the same hashing work whether or not the username exists. */
import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { useServer } from '../support/server.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('login timing', () => {
  const t = useServer('sqlite');

  it('answers an unknown username about as slowly as a wrong password (medians within a factor of 3)', async () => {
    await t.legacy({ s: 'App.User.Register', username: 'timed', password: md5('right') });
    const time = async (username: string) => {
      const started = performance.now();
      const env = await t.legacy({ s: 'App.User.Login', username, password: md5('wrong') });
      expect(env.data).toMatchObject({ err_code: 1, err_msg: '用户名或密码错误' });
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 10; i++) {
      known.push(await time('timed'));
      unknown.push(await time(`nobody${i}`));
    }
    const ratio = median(known) / median(unknown);
    expect(ratio, `known ${median(known).toFixed(1)} ms, unknown ${median(unknown).toFixed(1)} ms`).toBeLessThan(3);
    expect(ratio).toBeGreaterThan(1 / 3);
  });
});
