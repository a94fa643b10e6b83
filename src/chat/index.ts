/**
 * @packageDocumentation
 *
 * The chat library used by the headless client, the terminal UI and the benchmark:
 * one libp2p node per client, joined rooms as {@link RoomSession}s that seal, publish,
 * validate and emit events. Nothing here draws or prints.
 *
 * @example
 * ```ts
 * const client = createChatClient({ identity, rooms, nick: 'alice' })
 * await client.start()
 * const room = await client.joinRoom(rooms.require(roomId))
 * room.on('message', (m) => console.log(m.nick, m.text))
 * await room.send('hello')
 * await client.stop()
 * ```
 */
export { createChatClient, type ChatClient, type ChatClientInit, type ClientEvents, type RelayEvent, type PeerEvent, type RoomStatus } from './client.js'
export { RoomSession, type RoomSessionInit } from './room-session.js'
export type { ChatMessageEvent, MemberEvent, Member, PeerInfoEvent, RoomErrorEvent, RejectedEvent, RoomEvents, StatusEvent, CatchupEvent, GapEvent, MembershipEvent, RosterEntry, InviteInfo, EpochEvent } from './events.js'
export { MemberList, type PresenceSignal } from './members.js'
export { readRoomHistory, wipeRoomHistory, messageEventOf } from './history-access.js'
export { JoinRefusedError, NotPermittedError, UnknownInviteError, UnknownMemberError, AmbiguousMemberError, RelayUnreachableError, JoinTimeoutError, SendError, ClientStateError } from './errors.js'
export {
  createRoom, issueInvite, acceptInvite,
  type CreateRoomInit, type IssueInviteInit, type IssuedInvite
} from './room-setup.js'
export { readRoomMembership, rosterOf, invitesOf, describeMembership, RoomMembership, queueOp, queuedInvites, queueEmpty, newEpochOps, keyOps, type QueuedOp, type Epoch } from '../membership/index.js'
