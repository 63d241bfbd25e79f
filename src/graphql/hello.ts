import { hello } from '../operations/hello.js';
import { z } from 'zod';
import { builder } from './builder.js';
import { opOf } from './context.js';

builder.queryField('hello', (t) =>
  t.string({
    description: 'App.Hello.World: greets the caller.',
    args: { name: t.arg.string({ required: false, validate: z.string().max(50) }) },
    resolve: async (_root, args, ctx) => (await hello(opOf(ctx), { name: args.name ?? 'YesApi' })).title,
  }),
);
