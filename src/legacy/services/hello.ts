import { hello } from '../../operations/hello.js';
import { str } from '../rules.js';
import { defineService } from '../service.js';

export const helloWorld = defineService({
  name: 'App.Hello.World',
  summary: 'Greets the caller: proves app key, signature and envelope.',
  params: { name: str({ default: 'YesApi', max: 50, description: 'who to greet' }) },
  run: (ctx, p) => hello(ctx, p),
});
