#!/usr/bin/env node
// libp2p 3 calls Promise.withResolvers, which Node 20 lacks: install the shim before
// anything else is evaluated (ES modules evaluate imports in order).
import 'promise.withresolvers/auto'
import { main } from '../dist/relay-node/main.js'

process.exitCode = await main(process.argv.slice(2))
