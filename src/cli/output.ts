/**
 * What CLI commands print. Stdout carries only the answer (one JSON document with --json, shell
 * assignments with --env), so `| jq` and `eval "$(…)"` work; everything else goes to stderr.
 */
import { shellQuote } from '../demo.js';

export function out(text: string): void {
  process.stdout.write(text + '\n');
}

/** A remark for the operator on stderr, prefixed like every CLI message. */
export function note(text: string): void {
  process.stderr.write(`yesgraph: ${text}\n`);
}

export type Format = 'text' | 'json' | 'env';

export function formatOf(values: { json?: boolean; env?: boolean }): Format {
  return values.json ? 'json' : values.env ? 'env' : 'text';
}

/**
 * One record: `name: value` lines, a JSON object, or `NAME='value'` assignments (the keys of
 * `env` name the variables; fields without one are left out).
 */
export function printRecord(record: Record<string, string | number | boolean>, format: Format, env: Record<string, string> = {}): void {
  if (format === 'json') return out(JSON.stringify(record));
  if (format === 'env') {
    return out(
      Object.entries(record)
        .filter(([k]) => env[k])
        .map(([k, v]) => `${env[k]}=${shellQuote(String(v))}`)
        .join('\n'),
    );
  }
  out(
    Object.entries(record)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n'),
  );
}
