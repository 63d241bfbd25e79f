/** `yesgraph sign`: a signed legacy query string for an app, to paste after `?`. */
import { dynamicSign } from '../guards/sign.js';
import { defineCommand, UsageError } from './command.js';
import { out } from './output.js';
import { targetApp, withStore } from './store.js';

export const signCommand = defineCommand({
  name: 'sign',
  args: '<name=value>…',
  summary: 'print a signed legacy query string (app_key and sign added) for an app',
  details: 'Example: yesgraph sign --app APP_KEY s=App.Hello.World name=dogstar. Values are percent-encoded in the output.',
  options: { app: { type: 'string', value: 'APP_KEY', description: 'the app to sign as (needed when several apps exist)' } },
  async run(values, positionals) {
    const params = new Map<string, string>();
    for (const p of positionals) {
      const eq = p.indexOf('=');
      if (eq < 1) throw new UsageError(`expected name=value, got ${p}`);
      params.set(p.slice(0, eq), p.slice(eq + 1));
    }
    const app = await withStore((rt) => targetApp(rt, values.app));
    params.set('app_key', app.appKey);
    if (app.signMode === 'dynamic') params.set('sign', dynamicSign(params, app.appSecret));
    else if (app.signMode === 'static') params.set('sign', app.staticSign ?? '');
    out(new URLSearchParams([...params]).toString());
    return 0;
  },
});
