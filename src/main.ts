#!/usr/bin/env node
/** Entry point: `tsx src/main.ts <command>`; see src/cli.ts. */
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
