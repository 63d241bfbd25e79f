/** `yesgraph app …`: create, import, list, show, set the guards of, rotate the secret of, and remove apps. */
import { SIGN_MODES, type App, type SignMode } from '../records/apps.js';
import { TableRecords } from '../records/tables.js';
import { settingsChange, settingsDelayNote, settingsSummary, SETTINGS_OPTIONS } from './app-settings.js';
import { defineCommand, UsageError, type OptionSpec } from './command.js';
import { formatOf, note, out, printRecord } from './output.js';
import { findApp, withStore } from './store.js';

const SIGN = { type: 'string', value: SIGN_MODES.join('|'), description: 'how callers sign: dynamic (default, the SDKs\' md5), static (a fixed string per app), off (no check: trusted networks only)' } as const satisfies OptionSpec;
const JSON_OUT = { type: 'boolean', description: 'print one JSON object' } as const satisfies OptionSpec;
const ENV_OUT = { type: 'boolean', description: 'print APP_KEY=… APP_SECRET=… for eval "$(…)"' } as const satisfies OptionSpec;

/** The shell variables --env prints. */
const ENV_NAMES = { app_key: 'APP_KEY', app_secret: 'APP_SECRET', static_sign: 'APP_STATIC_SIGN' };

function signMode(value: string | undefined): SignMode {
  const mode = (value ?? 'dynamic') as SignMode;
  if (!SIGN_MODES.includes(mode)) throw new UsageError(`--sign must be one of ${SIGN_MODES.join(', ')}`);
  return mode;
}

function credentials(app: App): Record<string, string> {
  return { app_key: app.appKey, app_secret: app.appSecret, ...(app.staticSign ? { static_sign: app.staticSign } : {}) };
}

export function appSummary(app: App): Record<string, string | boolean> {
  return { app_key: app.appKey, name: app.name, sign: app.signMode, status: app.status, demo: app.isDemo };
}

export const appCommands = [
  defineCommand({
    name: 'app create',
    summary: 'create an app with new keys and print them',
    details: 'The app_secret is printed once; `yesgraph app show APP_KEY --secret` prints it again.',
    options: { name: { type: 'string', value: 'NAME', description: 'a name for people (default empty)' }, sign: SIGN, json: JSON_OUT, env: ENV_OUT },
    async run(values) {
      const mode = signMode(values.sign);
      const app = await withStore((rt) => rt.appRecords.create({ name: values.name, signMode: mode }));
      printRecord(credentials(app), formatOf(values), ENV_NAMES);
      return 0;
    },
  }),
  defineCommand({
    name: 'app import',
    summary: "bring an app over from the platform, keeping its keys so deployed clients keep working",
    details: 'Give the sign mode the app had on the platform (and its static sign for static).',
    options: {
      key: { type: 'string', value: 'APP_KEY', required: true, description: 'the app_key as the platform issued it (32 letters or digits)' },
      secret: { type: 'string', value: 'APP_SECRET', required: true, description: 'its app_secret' },
      name: { type: 'string', value: 'NAME', description: 'a name for people (default empty)' },
      sign: SIGN,
      'static-sign': { type: 'string', value: 'SIGN', description: 'the fixed sign of a static app (implies --sign static)' },
      json: JSON_OUT,
    },
    async run(values) {
      const staticSign = values['static-sign'];
      const mode = signMode(values.sign ?? (staticSign ? 'static' : undefined));
      if (staticSign && mode !== 'static') throw new UsageError('--static-sign goes with --sign static');
      const app = await withStore((rt) =>
        rt.appRecords.import({ appKey: values.key!, appSecret: values.secret!, name: values.name, signMode: mode, staticSign }),
      );
      printRecord(appSummary(app), formatOf(values));
      return 0;
    },
  }),
  defineCommand({
    name: 'app list',
    summary: 'list apps (key, sign mode, status, name), never their secrets',
    options: { json: { type: 'boolean', description: 'print one JSON array' } },
    async run(values) {
      const apps = await withStore((rt) => rt.appRecords.list());
      if (values.json) out(JSON.stringify(apps.map(appSummary)));
      else for (const a of apps) out(`${a.appKey}  ${a.signMode.padEnd(7)} ${a.status.padEnd(8)} ${a.name}${a.isDemo ? ' (demo)' : ''}`);
      return 0;
    },
  }),
  defineCommand({
    name: 'app show',
    args: '<app_key>',
    summary: 'show one app; its secret only with --secret',
    options: { secret: { type: 'boolean', description: 'include app_secret (and static_sign)' }, json: JSON_OUT, env: ENV_OUT },
    async run(values, [appKey]) {
      const app = await withStore((rt) => findApp(rt, appKey!));
      printRecord({ ...appSummary(app), ...settingsSummary(app), ...(values.secret ? credentials(app) : {}) }, formatOf(values), ENV_NAMES);
      return 0;
    },
  }),
  defineCommand({
    name: 'app set',
    args: '<app_key>',
    summary: "set an app's guards: IP lists, expiry, disabled, monthly quota, rate, services off, costs, replay window",
    details: 'Options not given stay as they are; lists are comma-separated. Running servers apply a change within seconds, without a restart.',
    options: { ...SETTINGS_OPTIONS, json: JSON_OUT },
    async run(values, [appKey]) {
      const app = await withStore(async (rt) => {
        const found = await findApp(rt, appKey!);
        await rt.appRecords.updateSettings(found.id, await settingsChange(found, values));
        return findApp(rt, appKey!);
      });
      note(await settingsDelayNote());
      printRecord({ ...appSummary(app), ...settingsSummary(app) }, formatOf(values));
      return 0;
    },
  }),
  defineCommand({
    name: 'app rotate-secret',
    args: '<app_key>',
    summary: 'give an app a new secret and print it; the old one stops working',
    options: { json: JSON_OUT, env: ENV_OUT },
    async run(values, [appKey]) {
      const secret = await withStore(async (rt) => rt.appRecords.rotateSecret((await findApp(rt, appKey!)).id));
      note(`the old secret of ${appKey} no longer works: give the new one to the app's clients`);
      printRecord({ app_key: appKey!, app_secret: secret }, formatOf(values), ENV_NAMES);
      return 0;
    },
  }),
  defineCommand({
    name: 'app remove',
    args: '<app_key>',
    summary: 'remove an app with its members, sessions, comments, hosted tables and database registrations',
    options: {},
    async run(_values, [appKey]) {
      const app = await withStore(async (rt) => {
        const found = await findApp(rt, appKey!);
        await new TableRecords(rt.main).dropAll(found.id);
        await rt.appRecords.remove(found.id);
        return found;
      });
      out(`removed app ${app.appKey}${app.name ? ` (${app.name})` : ''}`);
      return 0;
    },
  }),
];
