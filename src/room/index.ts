/**
 * @packageDocumentation
 *
 * Rooms as kept on this machine: their records (id, name, secret, relays), our outgoing
 * sequence number and the persisted replay window of each room.
 */
export { createRoomStore, parseRoomId, type RoomStore, type RoomRecord, type RoomState, type SyncState } from './room-store.js'
export { ReplayWindow, type ReplayWindowJson, type ReplayWindowInit, type Admission } from './replay-window.js'
export { InvalidRoomIdError, UnknownRoomError, InvalidRoomNameError, RoomConflictError, RoomBusyError } from './errors.js'
