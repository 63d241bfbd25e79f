import { hello, helloInput } from '../../operations/hello.js';
import { rule } from '../rules.js';
import { defineService } from '../service.js';

export const helloWorld = defineService({
  name: 'App.Hello.World',
  summary: 'Greets the caller: proves app key, signature and envelope.',
  params: { name: rule(helloInput.shape.name, 'who to greet') },
  run: (ctx, p) => hello(ctx, p),
});
