import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { generateSigningKeyPair, randomBytes, unwrapKey, wrapKey } from '../../src/crypto/index.js'

describe('key wrapping to Ed25519 identities (X25519)', () => {
  const ctx = new TextEncoder().encode('room|epoch 1')
  const alice = generateSigningKeyPair()
  const bob = generateSigningKeyPair()
  const mallory = generateSigningKeyPair()

  test('each recipient opens its own copy; the key is the one wrapped', () => {
    const key = randomBytes(32)
    const pkg = wrapKey(key, [alice.publicKey, bob.publicKey], ctx)
    assert.equal(pkg.keys.length, 2)
    assert.deepEqual(unwrapKey(pkg.ephemeral, pkg.keys[0]!.wrapped, alice.secretKey, alice.publicKey, ctx), key)
    assert.deepEqual(unwrapKey(pkg.ephemeral, pkg.keys[1]!.wrapped, bob.secretKey, bob.publicKey, ctx), key)
    assert.equal(pkg.keys[0]!.wrapped.length, 48)
  })

  test('someone else, another context, or a flipped bit gets a DecryptionError', () => {
    const key = randomBytes(32)
    const pkg = wrapKey(key, [alice.publicKey], ctx)
    const w = pkg.keys[0]!.wrapped
    assert.throws(() => unwrapKey(pkg.ephemeral, w, mallory.secretKey, mallory.publicKey, ctx), { name: 'DecryptionError' })
    // Mallory claiming to be alice (her public key, her own secret) gets nothing either.
    assert.throws(() => unwrapKey(pkg.ephemeral, w, mallory.secretKey, alice.publicKey, ctx), { name: 'DecryptionError' })
    assert.throws(() => unwrapKey(pkg.ephemeral, w, alice.secretKey, alice.publicKey, new TextEncoder().encode('room|epoch 2')), { name: 'DecryptionError' })
    const flipped = Uint8Array.from(w)
    flipped[3]! ^= 1
    assert.throws(() => unwrapKey(pkg.ephemeral, flipped, alice.secretKey, alice.publicKey, ctx), { name: 'DecryptionError' })
    assert.throws(() => unwrapKey(new Uint8Array(32), w, alice.secretKey, alice.publicKey, ctx), { name: 'DecryptionError' })
    assert.throws(() => unwrapKey(pkg.ephemeral, w.subarray(1), alice.secretKey, alice.publicKey, ctx), { name: 'DecryptionError' })
  })

  test('every package uses a fresh ephemeral key', () => {
    const key = randomBytes(32)
    const a = wrapKey(key, [alice.publicKey], ctx)
    const b = wrapKey(key, [alice.publicKey], ctx)
    assert.notDeepEqual(a.ephemeral, b.ephemeral)
    assert.notDeepEqual(a.keys[0]!.wrapped, b.keys[0]!.wrapped)
  })
})
