#!/usr/bin/env node
// The installed `yesgraph` command: runs the compiled entry point (`npm run build` writes dist/).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('yesgraph is not built: run `npm run build` in its directory first\n');
  process.exit(1);
}
await import(entry.href);
