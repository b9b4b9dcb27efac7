// The models of the token calls and the service's reads: the compiled check agrees with zod on
// every field set to every kind of value (the values of the properties, token infos and JWKs
// included), and a model may require fields for several actions.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compileAccept, modelParser } from '../../src/operations/model.js'
import { serviceConfigurationModel } from '../../src/operations/service-configuration.js'
import { serviceJwksModel } from '../../src/operations/service-jwks.js'
import { tokenModel } from '../../src/operations/token.js'
import { tokenFailModel } from '../../src/operations/token-fail.js'
import { tokenIssueModel } from '../../src/operations/token-issue.js'
import { disagreementsPerField, randomAnswers } from '../helpers/model-agreement.js'

const VALUES: unknown[] = [
  null,
  '',
  'x',
  0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  true,
  [],
  ['a'],
  [1],
  [null],
  {},
  [{}],
  [{ key: 'k', value: 'v', hidden: true }],
  [{ key: 'k', hidden: 'yes' }],
  [{ name: 'openid' }],
  { clientId: 1, subject: 's', scopes: [{ name: 'openid' }], properties: [{ key: 'k' }] },
  { clientId: 'x' },
  { scopes: [{ name: 1 }] },
  { elements: [{ type: 't' }] },
  { elements: [{ actions: ['a'] }] },
  [{ kty: 'EC', kid: 'k' }],
  [{ kid: 'k' }],
  [{ kty: 'RSA', use: 1 }],
]

const MODELS = {
  token: tokenModel,
  tokenIssue: tokenIssueModel,
  tokenFail: tokenFailModel,
  serviceConfiguration: serviceConfigurationModel,
  serviceJwks: serviceJwksModel,
}

describe('the compiled check of the token models', () => {
  for (const [name, model] of Object.entries(MODELS)) {
    const base = name === 'serviceJwks' ? { keys: [] } : { action: 'OK' }
    it(`agrees with zod on every field of the ${name} model set to every kind of value`, () => {
      expect(disagreementsPerField(model, VALUES, base)).toBe(0)
    })

    it(`agrees with zod on 2000 answers of the ${name} model with several fields set at once`, () => {
      const accept = compileAccept(model)
      for (const answer of randomAnswers(model, VALUES, base, 2000, 11)) {
        expect({ answer, accepted: accept(answer) }).toEqual({
          answer,
          accepted: model.safeParse(answer).success,
        })
      }
    })
  }
})

describe('a model with a requirement per action', () => {
  const parse = modelParser(
    z.looseObject({ action: z.string(), a: z.string().nullish(), b: z.number().nullish() }),
    { ONE: { a: 'text' }, TWO: { b: 'number' } },
  )

  it('holds each action to its own fields, and others to none', () => {
    expect(parse({ action: 'ONE', a: 'x' }).success).toBe(true)
    expect(parse({ action: 'TWO', b: 0 }).success).toBe(true)
    expect(parse({ action: 'THREE' }).success).toBe(true)
    expect(parse({ action: 'ONE', b: 1 })).toEqual({
      success: false,
      issues: [{ path: ['a'], message: 'required when action is ONE' }],
    })
    expect(parse({ action: 'TWO', a: 'x' })).toEqual({
      success: false,
      issues: [{ path: ['b'], message: 'required when action is TWO' }],
    })
  })
})
