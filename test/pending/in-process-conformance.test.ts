import { describe, it } from 'vitest'
import { inProcessPendingStore } from '../../src/pending/in-process.js'
import { pendingStoreTests } from '../../src/pending/store-tests.js'

pendingStoreTests(
  { describe, it },
  { createStore: () => inProcessPendingStore(), title: 'the in-process store' },
)
