/**
 * The member processes of the separate-process layout (bench/worker.ts), kept from room
 * to room: loading Node and libp2p costs about half a CPU-second a process, which on 2
 * cores made starting processes the larger part of the run. A process is still one
 * member at a time, set up afresh for each room (new identity, node, connections); only
 * the loaded code is reused, as in any long-running client.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url))
const STOP_TIMEOUT_MS = 5000

/** One member process: typed requests over IPC, and a handler for everything else. */
export interface MemberProcess {
  child: ChildProcess
  /** The next message of type `type` (a reply to a request). */
  next(type: string): Promise<any>
  /** Sends and deliveries (`s`, `d`) of the room this process is a member of now. */
  onMessage: (msg: any) => void
}

function forkMember (): MemberProcess {
  const child = fork(WORKER, [], { execArgv: ['--import', 'promise.withresolvers/auto'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const waiting = new Map<string, Array<{ resolve: (msg: any) => void, reject: (err: Error) => void }>>()
  let exited = false
  const member: MemberProcess = {
    child,
    onMessage: () => {},
    next: async (type) => await new Promise((resolve, reject) => {
      if (exited) reject(new Error(`bench: a member process exited before '${type}'`))
      else waiting.set(type, [...(waiting.get(type) ?? []), { resolve, reject }])
    })
  }
  child.on('message', (msg: any) => {
    if (msg?.t === 'uncaught') { memberUncaught.push(`member process ${child.pid ?? '?'}: ${String(msg.message)}`); return }
    const waiter = waiting.get(msg?.t)?.shift()
    if (waiter != null) waiter.resolve(msg)
    else member.onMessage(msg)
  })
  child.once('exit', () => {
    exited = true
    for (const [type, list] of waiting) for (const w of list) w.reject(new Error(`bench: a member process exited while we waited for '${type}'`))
    waiting.clear()
  })
  return member
}

const idle: MemberProcess[] = []

/** Errors nothing awaited in member processes (reported by them, with their stacks). */
export const memberUncaught: string[] = []

/** A member process for a new room: an idle one, or a new one. */
export function takeMember (onMessage: (msg: any) => void): MemberProcess {
  let m = idle.pop()
  while (m != null && m.child.exitCode != null) m = idle.pop()
  m ??= forkMember()
  m.onMessage = onMessage
  return m
}

/** Take `member` out of its room; it goes back to the idle ones if it stops cleanly. */
export async function releaseMember (member: MemberProcess): Promise<void> {
  member.onMessage = () => {}
  if (member.child.exitCode != null) return
  member.child.send({ t: 'stop' })
  const stopped = await Promise.race([
    member.next('stopped').then(() => true, () => false),
    new Promise<boolean>((resolve) => setTimeout(() => { resolve(false) }, STOP_TIMEOUT_MS))
  ])
  if (stopped) idle.push(member)
  else member.child.kill('SIGKILL')
}

/** End every idle member process (between phases, and at the end). */
export async function closeMembers (): Promise<void> {
  await Promise.all(idle.splice(0).map(async (m) => {
    if (m.child.exitCode != null) return
    const exited = new Promise((resolve) => m.child.once('exit', resolve))
    m.child.kill('SIGTERM')
    await exited
  }))
}
