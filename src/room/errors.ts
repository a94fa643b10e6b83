/** The room id given is not 32 hex characters. */
export class InvalidRoomIdError extends Error {
  override readonly name: string = 'InvalidRoomIdError'
  constructor (readonly roomId: string) {
    super(`'${roomId.slice(0, 64)}' is not a room id (room ids are 32 hex characters, as printed by 'cryptochat create')`)
  }
}

/** The room is not in the local data directory. */
export class UnknownRoomError extends Error {
  override readonly name: string = 'UnknownRoomError'
  constructor (readonly roomId: string) {
    super(`you are not in room ${roomId}; join it with: cryptochat join ${roomId} --invite <code>`)
  }
}

/** A room name that is empty or too long. */
export class InvalidRoomNameError extends Error {
  override readonly name: string = 'InvalidRoomNameError'
}

/** An invite names a room id we already have, but with a different key: not the same room. */
export class RoomConflictError extends Error {
  override readonly name: string = 'RoomConflictError'
  constructor (readonly roomId: string) {
    super(`you are already in a room ${roomId} with a different key; this invite is for another room using the same id and was refused (your room was left untouched)`)
  }
}

/** The room is open in another CryptoChat process using the same data directory. */
export class RoomBusyError extends Error {
  override readonly name: string = 'RoomBusyError'
  constructor (readonly roomId: string) {
    super(`room ${roomId} is already open in another cryptochat process using this data directory; close it first, or use another --data-dir for a second user`)
  }
}
