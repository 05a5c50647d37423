export async function runRedisDay(_args: string[]): Promise<void> {
  throw new Error('todo');
}
