/**
 * MD5 for the playground page, as browser source text: WebCrypto has no MD5, and the GraphQL
 * face's dynamic signature is upper-case md5(raw body + app_secret) (docs/PROTOCOL.md §2.5).
 * It defines `md5(text)`: the lower-case hex MD5 (RFC 1321) of the UTF-8 bytes of `text`.
 * test/browser/md5.test.ts runs this exact text against node:crypto, and the browser test runs
 * it in Chromium.
 */
export const MD5_SOURCE = String.raw`
function md5(text) {
  const bytes = new TextEncoder().encode(text);
  const n = bytes.length;
  // The message, a 1 bit, zeros, and its length in bits: a whole number of 64-byte blocks.
  const words = new Int32Array((((n + 8) >>> 6) + 1) * 16);
  for (let i = 0; i < n; i++) words[i >> 2] |= bytes[i] << ((i & 3) * 8);
  words[n >> 2] |= 0x80 << ((n & 3) * 8);
  words[words.length - 2] = n * 8;
  words[words.length - 1] = Math.floor(n / 0x20000000);
  const shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  const k = [];
  for (let i = 0; i < 64; i++) k.push(Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0);
  let h0 = 0x67452301, h1 = 0xefcdab89 | 0, h2 = 0x98badcfe | 0, h3 = 0x10325476;
  for (let block = 0; block < words.length; block += 16) {
    let a = h0, b = h1, c = h2, d = h3;
    for (let i = 0; i < 64; i++) {
      const round = i >> 4;
      let f, g;
      if (round === 0) { f = (b & c) | (~b & d); g = i; }
      else if (round === 1) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
      else if (round === 2) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
      else { f = c ^ (b | ~d); g = (7 * i) & 15; }
      const x = (a + f + k[i] + words[block + g]) | 0;
      const s = shifts[(round << 2) | (i & 3)];
      a = d; d = c; c = b;
      b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
  }
  let hex = '';
  for (const h of [h0, h1, h2, h3]) {
    for (let i = 0; i < 4; i++) hex += ((h >>> (i * 8)) & 0xff).toString(16).padStart(2, '0');
  }
  return hex;
}
`;
