/**
 * README.md as the walk test reads it. A ```sh block is a list of steps: a step is a run of
 * command lines, and the `#` comment lines right under it (no blank line between) are what it
 * prints on stdout, where `…` matches anything. Comment lines after a blank line explain and are
 * not compared. A block right after `<!-- readme-test: skip -->` is not run (set-up,
 * production); ```graphql blocks are collected to be validated.
 */

export interface Step {
  /** 1-based line in README.md of the step's first command. */
  readonly line: number;
  readonly commands: string[];
  readonly expected: string[];
}

export interface Readme {
  readonly steps: Step[];
  readonly graphql: Array<{ line: number; text: string }>;
}

export const SKIP = '<!-- readme-test: skip -->';

export function readReadme(text: string): Readme {
  const lines = text.split('\n');
  const steps: Step[] = [];
  const graphql: Readme['graphql'] = [];
  let skip = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === SKIP) {
      skip = true;
      continue;
    }
    const fence = /^```(\w*)\s*$/.exec(line);
    if (!fence) {
      if (line.trim() !== '') skip = false;
      continue;
    }
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    const body = lines.slice(start, end);
    if (fence[1] === 'sh' && !skip) steps.push(...blockSteps(body, start + 1));
    if (fence[1] === 'graphql') graphql.push({ line: start + 1, text: body.join('\n') });
    skip = false;
    i = end;
  }
  return { steps, graphql };
}

function blockSteps(body: string[], firstLine: number): Step[] {
  const steps: Array<{ line: number; commands: string[]; expected: string[] }> = [];
  let current: (typeof steps)[number] | undefined;
  let afterBlank = true;
  body.forEach((text, k) => {
    if (text.trim() === '') {
      afterBlank = true;
      current = undefined;
      return;
    }
    if (/^\s*#/.test(text)) {
      if (current && !afterBlank) current.expected.push(text.replace(/^\s*# ?/, ''));
      return;
    }
    if (!current || current.expected.length > 0) {
      current = { line: firstLine + k, commands: [], expected: [] };
      steps.push(current);
    }
    current.commands.push(text);
    afterBlank = false;
  });
  return steps;
}

/** Whether `actual` (stdout) is what `expected` shows, `…` matching any text within a line. */
export function matches(expected: readonly string[], actual: string): boolean {
  const got = actual.replace(/\n$/, '').split('\n').map((l) => l.trimEnd());
  if (got.length !== expected.length) return false;
  return expected.every((e, k) => {
    const pattern = e
      .trimEnd()
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return new RegExp(`^${pattern}$`, 's').test(got[k]!);
  });
}
