import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { parseRelayAddress, InvalidRelayAddressError } from '../../src/protocol/index.js'
import { MAX_MULTIADDR_CHARS } from '../../src/constants.js'

describe('protocol/relay-address', () => {
  let peer = ''
  before(async () => {
    peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  })

  it('accepts multiaddrs ending in /p2p/<peer id> and returns them canonically', () => {
    for (const addr of [
      `/ip4/127.0.0.1/tcp/4001/p2p/${peer}`,
      `/ip6/::1/tcp/4001/p2p/${peer}`,
      `/dns4/relay.example.com/tcp/443/wss/p2p/${peer}`,
      `/ip4/203.0.113.7/tcp/4001/ws/p2p/${peer}`
    ]) {
      assert.equal(parseRelayAddress(addr), addr)
    }
  })

  it('refuses addresses without a peer id, with a bad one, circuits, empty and overlong ones', () => {
    const bad = [
      '',
      '/ip4/127.0.0.1/tcp/4001',
      `/p2p/${peer}/ip4/127.0.0.1/tcp/4001`,
      '/ip4/127.0.0.1/tcp/4001/p2p/notapeerid',
      `/ip4/127.0.0.1/tcp/4001/p2p/${peer.slice(0, -2)}`,
      `/ip4/127.0.0.1/tcp/4001/p2p/${peer}/p2p-circuit/p2p/${peer}`,
      `/ip4/999.0.0.1/tcp/4001/p2p/${peer}`,
      `ip4/127.0.0.1/tcp/4001/p2p/${peer}`,
      'not a multiaddr at all',
      `/ip4/127.0.0.1/tcp/4001/p2p/${peer}` + '/ws'.repeat(MAX_MULTIADDR_CHARS)
    ]
    for (const addr of bad) {
      assert.throws(() => parseRelayAddress(addr), (e: unknown) => {
        assert.ok(e instanceof InvalidRelayAddressError, `${addr.slice(0, 60)}: ${String(e)}`)
        assert.equal(e.name, 'InvalidRelayAddressError')
        assert.match(e.message, /relay address/)
        return true
      })
    }
  })
})
