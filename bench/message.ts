/** A chat-sized message body carrying its id (every variant sends the same bytes). */
export function body (id: number): string {
  return `m${id} `.padEnd(96, 'lorem ipsum dolor sit amet ')
}

/** The id a message body carries; -1 for a body that is not ours. */
export function idOf (text: string): number {
  return Number(/^m(\d+) /.exec(text)?.[1] ?? -1)
}
