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
