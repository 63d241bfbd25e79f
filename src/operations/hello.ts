/** App.Hello.World: the smallest operation, proving key, signature and envelope. */
import type { OperationContext } from './context.js';

export interface HelloInput {
  readonly name: string;
}

export async function hello(_ctx: OperationContext, input: HelloInput): Promise<{ title: string }> {
  return { title: `Hi ${input.name}，欢迎使用小白开放接口！` };
}
