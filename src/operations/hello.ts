/** App.Hello.World: the smallest operation, proving key, signature and envelope. */
import { z } from 'zod';
import type { OperationContext } from './context.js';
import { text } from './input.js';

export const helloInput = z.object({ name: text({ max: 50 }).default('YesApi') });
export type HelloInput = z.output<typeof helloInput>;

export async function hello(_ctx: OperationContext, input: HelloInput): Promise<{ title: string }> {
  return { title: `Hi ${input.name}，欢迎使用小白开放接口！` };
}
