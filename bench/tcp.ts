import { connect, createServer, type Socket } from 'node:net'

/** Call `onLine` for every newline-terminated line arriving on `socket` (without the newline). */
export function onLines (socket: Socket, onLine: (line: string) => void): void {
  let buffer = ''
  socket.on('data', (chunk) => {
    buffer += chunk.toString()
    let nl: number
    while ((nl = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, nl))
      buffer = buffer.slice(nl + 1)
    }
  })
}

/** Variant A's floor: a TCP hub on loopback that writes every line to every other socket. */
/** A running {@link startTcpHub}. */
export interface TcpHub {
  port: number
  /** Sockets the hub has accepted. */
  members(): number
  close(): Promise<void>
}

export async function startTcpHub (): Promise<TcpHub> {
  const peers: Socket[] = []
  const server = createServer((socket) => {
    peers.push(socket)
    socket.setNoDelay(true)
    socket.on('error', () => {})
    onLines(socket, (line) => { for (const p of peers) if (p !== socket) p.write(line + '\n') })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    members: () => peers.length,
    close: async () => {
      for (const p of peers) p.destroy()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}

/** A member of the TCP hub: connected, with `onLine` called for each line it receives. */
export async function connectToHub (port: number, onLine: (line: string) => void): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  socket.setNoDelay(true)
  socket.on('error', () => {})
  onLines(socket, onLine)
  await new Promise<void>((resolve) => socket.once('connect', () => { resolve() }))
  return socket
}
