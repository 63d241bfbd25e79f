/** `yesgraph serve` and `yesgraph print-schema`: the server and its GraphQL schema (loaded lazily). */
import { readFileSync, writeFileSync } from 'node:fs';
import { defineCommand } from './command.js';
import { out } from './output.js';

export const serverCommands = [
  defineCommand({
    name: 'serve',
    summary: 'start the server (npm start); creates and migrates the main store when needed',
    details: 'Configured by the environment: see "Configuration" in README.md.',
    options: {},
    async run() {
      const [{ loadConfig }, { createLogger }, { serve }] = await Promise.all([import('../config.js'), import('../logger.js'), import('../serve.js')]);
      const config = loadConfig();
      await serve(config, createLogger(config.logLevel));
      return 0;
    },
  }),
  defineCommand({
    name: 'print-schema',
    summary: 'print the GraphQL schema (sorted SDL), write it to a file, or check a file is up to date',
    options: {
      out: { type: 'string', value: 'FILE', description: 'write the schema to FILE' },
      check: { type: 'string', value: 'FILE', description: 'exit 1 when FILE differs from the schema' },
    },
    async run(values) {
      const { printSortedSchema } = await import('../graphql/schema.js');
      const sdl = printSortedSchema();
      if (values.check) {
        let current = '';
        try {
          current = readFileSync(values.check, 'utf8');
        } catch {
          // a missing file is a drift like any other
        }
        if (current !== sdl) {
          process.stderr.write(`${values.check} is out of date: run npm run schema:print and commit it\n`);
          return 1;
        }
        out(`${values.check} is up to date`);
        return 0;
      }
      if (values.out) {
        writeFileSync(values.out, sdl);
        out(`wrote ${values.out}`);
      } else process.stdout.write(sdl);
      return 0;
    },
  }),
];
