#!/usr/bin/env node
/** Entry point: `node dist/main.js <command>` once built, `tsx src/main.ts <command>` in development; see src/cli.ts. */
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
