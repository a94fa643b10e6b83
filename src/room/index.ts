/**
 * @packageDocumentation
 *
 * Rooms as kept on this machine: their records (id, name, secret, relays), our outgoing
 * sequence number and the persisted replay window of each room. Room secrets are read and
 * written through a keystore (src/keystore): sealed when the data directory has a passphrase.
 */
export {
  createRoomStore, parseRoomId, roomSecretFields,
  type RoomStore, type RoomStoreInit, type RoomRecord, type RoomSummary, type RoomState, type SyncState
} from './room-store.js'
export { ReplayWindow, type ReplayWindowJson, type ReplayWindowInit, type Admission } from './replay-window.js'
export { InvalidRoomIdError, UnknownRoomError, InvalidRoomNameError, RoomConflictError, RoomBusyError } from './errors.js'
