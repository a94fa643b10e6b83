import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes, deriveKey, bytesToHex, hash, concatBytes, publicKeyOf } from '../../src/crypto/index.js'
import { topicForRoom, topicKeyForRoom, topicOfKey, epochZeroKey } from '../../src/protocol/index.js'
import { TOPIC_PATTERN, TOPIC_PREFIX } from '../../src/constants.js'
import { flip } from '../unit-helpers.js'

describe('protocol/keys', () => {
  const secret = randomBytes(32)
  const roomId = randomBytes(16)

  it('topics have the exact form the relay accepts and reveal neither secret nor room id', () => {
    const topic = topicForRoom(secret, roomId)
    assert.match(topic, TOPIC_PATTERN)
    assert.ok(topic.startsWith(TOPIC_PREFIX))
    assert.ok(!topic.includes(bytesToHex(roomId)))
    assert.ok(!topic.includes(bytesToHex(secret).slice(0, 16)))
  })

  it('topics and epoch keys are deterministic and depend on secret and room id', () => {
    assert.equal(topicForRoom(secret, roomId), topicForRoom(Uint8Array.from(secret), Uint8Array.from(roomId)))
    assert.deepEqual(epochZeroKey(secret, roomId), epochZeroKey(secret, roomId))
    assert.notEqual(topicForRoom(flip(secret, 0), roomId), topicForRoom(secret, roomId))
    assert.notEqual(topicForRoom(secret, flip(roomId, 0)), topicForRoom(secret, roomId))
    assert.notDeepEqual(epochZeroKey(flip(secret, 31), roomId), epochZeroKey(secret, roomId))
    assert.notDeepEqual(epochZeroKey(secret, flip(roomId, 15)), epochZeroKey(secret, roomId))
  })

  it('the epoch key is 32 bytes, separate from the topic derivation, and matches the documented HKDF labels', () => {
    const key = epochZeroKey(secret, roomId)
    assert.equal(key.length, 32)
    assert.notEqual(bytesToHex(key), topicForRoom(secret, roomId).slice(TOPIC_PREFIX.length))
    assert.deepEqual(key, deriveKey(secret, roomId, 'cryptochat/1/epoch-key/0'))
    // The topic is the hash of the topic key's public key; that key derives from the secret.
    const topicKey = topicKeyForRoom(secret, roomId)
    assert.deepEqual(topicKey.secretKey, deriveKey(secret, roomId, 'cryptochat/1/topic-key'))
    assert.deepEqual(topicKey.publicKey, publicKeyOf(topicKey.secretKey))
    assert.equal(topicForRoom(secret, roomId), TOPIC_PREFIX + bytesToHex(hash(concatBytes(new TextEncoder().encode('cryptochat/1/topic'), topicKey.publicKey))))
    assert.equal(topicOfKey(topicKey.publicKey), topicForRoom(secret, roomId))
  })
})
