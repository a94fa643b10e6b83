import type { Connection, Stream } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { RateLimiter, lpStream } from '@libp2p/utils'
import { SYNC_MAX_FRAME_BYTES, SYNC_MAX_INBOUND_STREAMS, SYNC_PROOF_BURST, SYNC_PROOFS_PER_SECOND, SYNC_PROTOCOL, SYNC_TIMEOUT_MS } from '../constants.js'
import {
  SyncRequest, SyncResponse, decodeSyncRequest, decodeSyncResponse, syncResponse, verifySyncRequest
} from '../protocol/index.js'
import type { ChatNode } from './node.js'

const log = logger('cryptochat:sync')

/**
 * Serves verified sync requests for the topics it knows: yields response frames (the
 * last with `done`); returns undefined when it does not serve that topic.
 */
export type SyncServe = (topic: string, request: SyncRequest, remotePeer: string) => AsyncIterable<SyncResponse> | undefined

function denied (status: SyncResponse.Status): SyncResponse {
  return syncResponse({ status, done: true })
}

/** Options of {@link handleSync}. */
export interface HandleSyncInit {
  /** Requests per remote peer whose proof is checked in a burst (default SYNC_PROOF_BURST)... */
  proofBurst?: number
  /** ...and per second after it (default SYNC_PROOFS_PER_SECOND). */
  proofsPerSecond?: number
}

/**
 * Answer sync requests on `node`: read one request, check its proof of room knowledge
 * (signed by the room's topic key for this very link), then stream what `serve` yields.
 * Shared by clients (their history) and relays (their blind store).
 */
export async function handleSync (node: ChatNode, serve: SyncServe, init: HandleSyncInit = {}): Promise<void> {
  // Checking a proof costs a signature verification: a peer gets only so many a second,
  // valid or not, before it is answered "busy" unchecked.
  const burst = init.proofBurst ?? SYNC_PROOF_BURST
  const proofs = new RateLimiter({ points: burst, duration: burst / (init.proofsPerSecond ?? SYNC_PROOFS_PER_SECOND), keyPrefix: '' })
  await node.handle(SYNC_PROTOCOL, async (stream: Stream, connection: Connection) => {
    const signal = AbortSignal.timeout(SYNC_TIMEOUT_MS)
    const lp = lpStream(stream, { maxDataLength: SYNC_MAX_FRAME_BYTES })
    const remote = connection.remotePeer.toString()
    try {
      const request = decodeSyncRequest((await lp.read({ signal })).subarray())
      if (!withinLimit(proofs, remote)) {
        log('too many sync requests from %s: busy', remote)
        await lp.write(SyncResponse.encode(denied(SyncResponse.Status.BUSY)), { signal })
        await stream.close({ signal })
        return
      }
      let topic: string
      try {
        topic = verifySyncRequest(request, remote, node.peerId.toString())
      } catch (err: any) {
        log('refused sync request from %s: %s', remote, err.message)
        await lp.write(SyncResponse.encode(denied(SyncResponse.Status.DENIED)), { signal })
        await stream.close({ signal })
        return
      }
      const frames = serve(topic, request, remote)
      if (frames == null) {
        await lp.write(SyncResponse.encode(denied(SyncResponse.Status.UNKNOWN)), { signal })
      } else {
        for await (const frame of frames) {
          await lp.write(SyncResponse.encode(frame), { signal })
          if (frame.done) break
        }
      }
      await stream.close({ signal })
    } catch (err: any) {
      log('sync stream from %s failed: %s', remote, err.message)
      stream.abort(err)
    }
  }, { runOnLimitedConnection: true, maxInboundStreams: SYNC_MAX_INBOUND_STREAMS })
}

/** Take a point from `key`'s allowance in `limiter`; false once it is spent for the current window. */
export function withinLimit (limiter: RateLimiter, key: string): boolean {
  try {
    limiter.consume(key)
    return true
  } catch (err: any) {
    if (err?.name === 'RateLimitError') return false
    throw err
  }
}

/** Why a sync request got no answer. */
export class SyncRequestError extends Error {
  override readonly name: string = 'SyncRequestError'
}

/** The peer is rate-limiting us: the request may be made again later. */
export class SyncBusyError extends SyncRequestError {
  override readonly name: string = 'SyncBusyError'
}

/**
 * Send one sync request to `peer` (over any open connection, relayed ones included) and
 * yield its response frames until the last one. Throws SyncRequestError when the peer
 * refuses, does not serve the room, or the stream fails.
 */
export async function * requestSync (node: ChatNode, peer: string, request: SyncRequest, signal = AbortSignal.timeout(SYNC_TIMEOUT_MS)): AsyncGenerator<SyncResponse> {
  let stream: Stream
  try {
    stream = await node.dialProtocol(peerIdFromString(peer), SYNC_PROTOCOL, { runOnLimitedConnection: true, signal })
  } catch (err: any) {
    throw new SyncRequestError(`could not reach ${peer}: ${err.message}`)
  }
  const lp = lpStream(stream, { maxDataLength: SYNC_MAX_FRAME_BYTES })
  try {
    await lp.write(SyncRequest.encode(request), { signal })
    while (true) {
      const response = decodeSyncResponse((await lp.read({ signal })).subarray())
      if (response.status === SyncResponse.Status.DENIED) throw new SyncRequestError(`${peer} refused the request`)
      if (response.status === SyncResponse.Status.UNKNOWN) throw new SyncRequestError(`${peer} does not serve this room`)
      if (response.status !== SyncResponse.Status.OK) throw new SyncBusyError(`${peer} is busy: try again later`)
      yield response
      if (response.done) break
    }
    await stream.close({ signal }).catch(() => {})
  } catch (err: any) {
    stream.abort(err)
    if (err instanceof SyncRequestError) throw err
    throw new SyncRequestError(`sync with ${peer} failed: ${err.message}`)
  }
}
