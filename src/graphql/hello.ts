import { hello, helloInput } from '../operations/hello.js';
import { argsOf } from './args.js';
import { builder } from './builder.js';
import { opOf } from './context.js';

builder.queryField('hello', (t) =>
  t.string({
    description: 'App.Hello.World: greets the caller.',
    args: t.validate({ name: t.arg.string({ required: false }) }, argsOf(helloInput)),
    resolve: async (_root, args, ctx) => (await hello(opOf(ctx), args)).title,
  }),
);
