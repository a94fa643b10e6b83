import { generateSigningKeyPair, randomBytes, seal, open, sign, verify } from '../src/crypto/index.js'

/** µs per operation of the primitives every message goes through. */
export function cryptoMicro (iterations = 2000): Record<string, number> {
  const key = randomBytes(32)
  const aad = randomBytes(24)
  const plaintext = randomBytes(200)
  const { secretKey, publicKey } = generateSigningKeyPair()
  const time = (fn: () => void): number => {
    for (let i = 0; i < 50; i++) fn()
    const t0 = performance.now()
    for (let i = 0; i < iterations; i++) fn()
    return (performance.now() - t0) * 1000 / iterations
  }
  const sealed = seal(key, aad, plaintext)
  const signature = sign(secretKey, 'bench', plaintext)
  return {
    seal_us: time(() => { seal(key, aad, plaintext) }),
    open_us: time(() => { open(key, sealed.nonce, aad, sealed.ciphertext) }),
    sign_us: time(() => { sign(secretKey, 'bench', plaintext) }),
    verify_us: time(() => { verify(publicKey, 'bench', plaintext, signature) })
  }
}
