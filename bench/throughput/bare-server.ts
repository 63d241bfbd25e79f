/**
 * The bare floor (bare.ts) over node:http, with nothing between the socket and it.
 *
 * Run by bench/throughput/run.ts as a child process: `node --import tsx bare-server.ts` with
 * BARE_PORT, BARE_MAIN (main store URL), BARE_OWNER (owner database URL), BARE_APP_ID,
 * BARE_SECRET, BARE_QUEUE (its own pop queue's table) and BARE_BANK (Transfer's table).
 */
import { createServer } from 'node:http';
import { bare, connect } from './bare.js';

const env = process.env;
const floor = bare({
  main: connect(env.BARE_MAIN!),
  owner: connect(env.BARE_OWNER!),
  appId: Number(env.BARE_APP_ID),
  secret: env.BARE_SECRET!,
  queue: env.BARE_QUEUE!,
  bank: env.BARE_BANK!,
});

createServer((req, res) => {
  floor.answer(new URLSearchParams((req.url ?? '').split('?')[1] ?? '')).then(
    (text) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(text);
    },
    (err: Error) => {
      res.writeHead(500);
      res.end(err.message);
    },
  );
}).listen(Number(env.BARE_PORT), '127.0.0.1', () => process.send?.('ready'));

// Exit on the bench's SIGTERM through process.exit, so a --cpu-prof profile is written.
process.once('SIGTERM', () => process.exit(0));
