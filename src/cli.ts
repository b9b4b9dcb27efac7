#!/usr/bin/env node
// The `authlete-ciba` bin. See cli/main.ts.
import { main } from './cli/main.js'

process.exitCode = await main(process.argv.slice(2))
