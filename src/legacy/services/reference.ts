/**
 * docs/SERVICES.md, rendered from the service table: each service's summary and parameters
 * with the constraints the legacy face enforces. test/legacy/rules-reference.test.ts fails
 * when the checked-in file differs (`vitest -u` rewrites it).
 */
import { declared } from '../../operations/input.js';
import type { Service } from '../service.js';
import { SERVICES } from './index.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function constraint(service: Service, name: string): string[] {
  const { bounds, values, required, fallback } = declared(service.params[name]!.schema);
  const type = values ? values.map((v) => `\`${v}\``).join(' \\| ') : bounds!.kind;
  const span = !bounds ? '' : bounds.min === bounds.max ? String(bounds.min ?? '') : bounds.min === undefined && bounds.max === undefined ? '' : `${bounds.min ?? ''}…${bounds.max ?? ''}`;
  const range = span && bounds!.kind === 'text' ? `length ${span}` : span;
  const presence = required ? 'required' : fallback === undefined ? 'optional' : `default \`${JSON.stringify(fallback)}\``;
  return [type, presence, range];
}

function section(service: Service): string {
  const rows = Object.entries(service.params).map(([name, r]) => `| \`${name}\` | ${constraint(service, name).join(' | ')} | ${cell(r.description)} |`);
  const params = rows.length
    ? ['| parameter | type | presence | range | meaning |', '|---|---|---|---|---|', ...rows].join('\n')
    : 'No parameters of its own.';
  const session = service.session === 'lenient' ? '\n\nA member whose session has ended calls it as a guest instead of being refused (401).' : '';
  return `## ${service.name}\n\n${service.summary}${session}\n\n${params}\n`;
}

export function renderServiceReference(services: readonly Service[] = SERVICES): string {
  return `# Legacy services

Generated from \`src/legacy/services/\` by \`test/legacy/rules-reference.test.ts\`: do not edit by hand.
Every service also takes the common parameters \`s\` (or \`service\`), \`app_key\`, \`sign\`, \`uuid\`,
\`token\` and \`return_data\` (docs/PROTOCOL.md). Lengths are in characters. A parameter that
breaks its rule is refused with \`ret=400\` in the platform's words (docs/ERRORS.md, \`PARAM_*\`).

${services.map(section).join('\n')}`;
}
