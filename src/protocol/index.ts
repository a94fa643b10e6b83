/**
 * @packageDocumentation
 *
 * CryptoChat's wire formats (see `cryptochat.proto`), their bounded, total decoders, the
 * derivation of topics and epoch keys, and sealing/opening of room messages.
 *
 * @example
 * ```ts
 * const bytes = sealMessage(ctx, { seq: 1n, timestamp: BigInt(Date.now()), kind: MessageKind.TEXT, nick, body })
 * const msg = openMessage(roomId, (epoch) => keys.get(epoch), bytes)
 * ```
 */
export { encodeEnvelope, decodeEnvelope, envelopeEpoch, type Envelope } from './envelope.js'
export {
  ChatMessage, MessageKind, SignedMessage, checkOutgoing, decodeChatMessage, decodeSignedMessage, utf8Length
} from './message.js'
export { topicForRoom, topicKeyForRoom, topicOfKey, meetTopicForRoom, epochZeroKey, epochKey, roomIdOf, genesisCommitment, epochWrapContext, epochCommitment } from './keys.js'
export {
  sealMessage, openMessage, envelopeAad,
  type OutgoingMessage, type SealContext, type OpenedMessage, type EpochKeyLookup
} from './sealing.js'
export { InviteBody, SignedInvite } from './cryptochat.js'
export {
  MalformedEnvelopeError, UnsupportedVersionError, MalformedMessageError, ForgedMessageError,
  UnknownEpochError, MessageTooLargeError
} from './errors.js'
export { parseRelayAddress, InvalidRelayAddressError } from './relay-address.js'
export { wire } from './wire.js'
export {
  SyncKnown, SyncRange, SyncRequest, SyncResponse, envelopeHash, signSyncRequest, verifySyncRequest,
  decodeSyncRequest, decodeSyncResponse, syncResponse, packBits, unpackBits, SyncProofError, requestIdentity, signResponseIdentity, responseIdentity, type SyncQuery
} from './sync.js'
export {
  ControlOp, ControlType, InviteGrant, SignedControl, signControl, openControl, controlOp, signGrant, verifyGrant, signInviteProof, verifyInviteProof,
  type ControlRecord
} from './control.js'
