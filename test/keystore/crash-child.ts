/**
 * Child process of the crash tests (not a test file): runs one passphrase change on a
 * data directory and kills itself with SIGKILL right after its Nth durable file write,
 * as a power cut or `kill -9` would stop it.
 *
 * Usage: node crash-child.js <dataDir> <set|change|remove> <crashAfterWrite> <current> <new> <logN>
 */
import { identitySecretField } from '../../src/identity/index.js'
import { changePassphrase, removePassphrase, setPassphrase, type PassphraseChangeInit } from '../../src/keystore/index.js'
import { roomSecretFields } from '../../src/room/index.js'

const [dataDir = '', action = '', crashAt = '0', current = '', next = '', logN = '10'] = process.argv.slice(2)
let writes = 0
const init: PassphraseChangeInit = {
  dataDir,
  secrets: [identitySecretField(dataDir), ...roomSecretFields(dataDir)],
  passphrase: async () => current,
  newPassphrase: async () => next,
  scrypt: { logN: Number(logN), r: 8, p: 1 },
  afterWrite: () => { if (++writes === Number(crashAt)) process.kill(process.pid, 'SIGKILL') }
}
const run = action === 'set' ? setPassphrase : action === 'change' ? changePassphrase : removePassphrase
await run(init)
process.stdout.write(`done after ${writes} writes\n`)
