// The answer models of every call of the table (src/operations/table.ts), read from OPERATIONS: the
// compiled check agrees with zod on every field set to every kind of value and on thousands of
// answers with several fields set at once, so a call added to the table is held to it without a
// line here; and modelParser, which drops nulls, keeps unknown fields and holds each action to the
// fields it requires.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { backchannelFailModel } from '../../src/operations/backchannel-fail.js'
import { backchannelIssueModel } from '../../src/operations/backchannel-issue.js'
import { OPERATIONS } from '../../src/operations/index.js'
import { compileAccept, type ModelledOperation, modelParser } from '../../src/operations/model.js'
import { AUTHLETE_CALLS, type AuthleteCallName } from '../../src/operations/table.js'
import { disagreementsPerField, randomAnswers } from '../helpers/model-agreement.js'

// Values of every JSON kind, including the edges of the integer formats the models use, and the
// shapes of the answers' nested fields (scopes, properties, authorization details, service
// attributes, token infos, JWKs, an introspection's grant, lists of lists), valid and not.
const VALUES: unknown[] = [
  null,
  '',
  'x',
  0,
  -1,
  1.5,
  600,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  true,
  false,
  [],
  ['a'],
  [1],
  [null],
  {},
  [{}],
  [{ name: 'openid', defaultEntry: false }],
  [{ name: 1 }],
  [{ key: 'k', value: 'v' }],
  [{ key: 'k', value: null }],
  [{ key: 'k', value: 2 }],
  { elements: [] },
  { elements: [{ type: 't', actions: ['a'] }] },
  { elements: [{ actions: ['a'] }] },
  { elements: [{ type: 't', locations: [1] }] },
  { elements: null },
  [{ name: 's', descriptions: [{ tag: 'en', value: 'v' }], attributes: [{ key: 'a', value: 'b' }] }],
  [{ name: 's', descriptions: [{ tag: 1 }] }],
  [{ name: 's', attributes: [{ key: false }] }],
  [{ key: 'k', value: 'v', hidden: true }],
  [{ key: 'k', hidden: 'yes' }],
  [{ name: 'openid' }],
  { clientId: 1, subject: 's', scopes: [{ name: 'openid' }], properties: [{ key: 'k' }] },
  { clientId: 'x' },
  { scopes: [{ name: 1 }] },
  { elements: [{ type: 't' }] },
  [{ kty: 'EC', kid: 'k' }],
  [{ kid: 'k' }],
  [{ kty: 'RSA', use: 1 }],
  // An introspection answer's grant, and userinfo's lists of lists (requestedVerifiedClaimsForTx).
  { scopes: [{ scope: 'history.read', resource: ['https://api.example'] }], claims: ['name'] },
  { scopes: [{ scope: 1 }] },
  { scopes: [{ resource: 'https://api.example' }] },
  { claims: [1] },
  [['a', 'b'], []],
  [['a', 1]],
  [[null]],
]

/**
 * The answer each field is set on: an OK answer, or for a call whose empty answer is documented
 * (the JWK Set of a service without one, `{ keys: [] }`), that one.
 */
function baseOf(name: AuthleteCallName): Record<string, unknown> {
  const operation: ModelledOperation<never, unknown> = OPERATIONS[name]
  return (operation.noContent?.() as Record<string, unknown> | undefined) ?? { action: 'OK' }
}

describe('the compiled check of an answer model', () => {
  for (const { name } of AUTHLETE_CALLS) {
    const model = OPERATIONS[name].model
    const base = baseOf(name)

    it(`agrees with zod on every field of the ${name} model set to every kind of value`, () => {
      // The answer the fields are set on is one the model accepts, or the test would say little.
      expect(model.safeParse(base).success).toBe(true)
      expect(disagreementsPerField(model, VALUES, base)).toBe(0)
    })

    it(`agrees with zod on 3000 answers of the ${name} model with several fields set at once`, () => {
      const accept = compileAccept(model)
      let accepted = 0
      for (const answer of randomAnswers(model, VALUES, base, 3000, 7)) {
        const zod = model.safeParse(answer).success
        expect({ answer, accepted: accept(answer) }).toEqual({ answer, accepted: zod })
        if (zod) accepted++
      }
      // Both outcomes were exercised, not only one of them.
      expect(accepted).toBeGreaterThan(50)
      expect(accepted).toBeLessThan(2900)
    })
  }

  it('is generated code that reads each field by name, for every model', () => {
    for (const { name } of AUTHLETE_CALLS) expect(compileAccept(OPERATIONS[name].model).name).toBe('accept')
  })

  it('refuses what is not an object, as zod does', () => {
    const accept = compileAccept(backchannelFailModel)
    for (const value of [null, undefined, 'OK', 1, [], [{ action: 'OK' }]]) {
      expect(accept(value)).toBe(false)
      expect(backchannelFailModel.safeParse(value).success).toBe(false)
    }
  })

  it('reads integer formats and lower bounds as zod does', () => {
    const seconds = compileAccept(z.int32().min(0))
    expect([0, 1, 2 ** 31 - 1].map(seconds)).toEqual([true, true, true])
    expect([-1, 2 ** 31, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1'].map(seconds)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ])
    const exclusive = compileAccept(z.number().gt(0))
    expect([0, 0.5].map(exclusive)).toEqual([false, true])
    const plain = compileAccept(z.number())
    expect([1.5, Number.POSITIVE_INFINITY].map(plain)).toEqual([true, false])
  })

  it('reads keys that are not plain names (an index, a space, __proto__) as zod does', () => {
    const schema = z.looseObject({
      '0': z.string(),
      'a b': z.int().optional(),
      ['__proto__']: z.string().optional(),
    })
    const accept = compileAccept(schema)
    for (const value of [
      { '0': 'x' },
      { '0': 1 },
      { '0': 'x', 'a b': 1 },
      { '0': 'x', 'a b': 'no' },
      JSON.parse('{"0":"x","__proto__":"y"}'),
      JSON.parse('{"0":"x","__proto__":1}'),
    ]) {
      expect(accept(value)).toBe(schema.safeParse(value).success)
    }
  })

  it('hands any kind it does not compile to zod itself', () => {
    const strict = compileAccept(z.strictObject({ a: z.string() }))
    expect(strict({ a: 'x' })).toBe(true)
    expect(strict({ a: 'x', b: 1 })).toBe(false)
    const email = compileAccept(z.object({ to: z.string().email() }))
    expect(email({ to: 'a@example.com' })).toBe(true)
    expect(email({ to: 'nobody' })).toBe(false)
    const literal = compileAccept(z.literal('OK'))
    expect([literal('OK'), literal('NO')]).toEqual([true, false])
  })
})

describe('modelParser', () => {
  const parse = modelParser<Record<string, unknown>>(backchannelIssueModel, {
    OK: { authReqId: 'text', expiresIn: 'number', interval: 'number' },
  })
  const ok = { action: 'OK', authReqId: 'id', expiresIn: 600, interval: 5 }

  it('returns a valid answer with the null model fields dropped and unknown fields kept as they came', () => {
    const result = parse({ ...ok, resultCode: null, extra: null, nested: { a: null } })
    expect(result).toEqual({ success: true, data: { ...ok, extra: null, nested: { a: null } } })
    expect(result.success && 'resultCode' in result.data).toBe(false)
  })

  it("gives the same data as zod's parse for a valid answer", () => {
    const answer = {
      resultCode: 'A183001',
      resultMessage: '[A183001] An auth_req_id was issued successfully.',
      ...ok,
      responseContent: '{}',
      added: [1, { b: 2 }],
    }
    const zod = backchannelIssueModel.parse(structuredClone(answer))
    expect(parse(structuredClone(answer))).toEqual({ success: true, data: zod })
  })

  it("names each field its action requires and the answer lacks, after zod's own checks passed", () => {
    expect(parse({ action: 'OK', authReqId: '', expiresIn: 600 })).toEqual({
      success: false,
      issues: [
        { path: ['authReqId'], message: 'required when action is OK' },
        { path: ['interval'], message: 'required when action is OK' },
      ],
    })
    // Another action requires nothing.
    expect(parse({ action: 'INVALID_TICKET' })).toEqual({ success: true, data: { action: 'INVALID_TICKET' } })
  })

  it("words a type error as zod does, with the field's path", () => {
    const result = parse({ ...ok, interval: -1, resultCode: 7 })
    expect(result.success).toBe(false)
    const expected = backchannelIssueModel.safeParse({ ...ok, interval: -1, resultCode: 7 })
    expect(result.success ? [] : result.issues).toEqual(
      expected.error?.issues.map((issue) => ({ path: issue.path, message: issue.message })),
    )
    expect(result.success ? [] : result.issues.map((issue) => issue.path)).toEqual([
      ['resultCode'],
      ['interval'],
    ])
  })
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
