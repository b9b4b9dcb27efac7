/**
 * The model of an Authlete answer. zod defines it and words what is wrong with an answer; a test
 * compiled once from the same schema accepts a valid answer without zod's walk over every field of
 * the model (present or not) and without its copy. The two agree by construction for the schema
 * kinds the models use (test/operations/models.test.ts checks it); any other kind is handed to zod.
 *
 * @internal
 * @module
 */

import type { z } from 'zod'
import type { Operation, ParseResult } from '../transport/operation.js'

export type { ParseResult }

/**
 * The fields an answer must carry, by `action`: `text` is a non-empty string, `number` a number.
 * Declared once per operation: the parser checks it, and the answer's types are made from it
 * ({@link WithRequired}).
 */
export type Requirements = Readonly<Record<string, Readonly<Record<string, 'text' | 'number'>>>>

/** `Fields` with the fields `Required` names made required (`{ ticket: 'text' }`: `ticket: string`). */
export type WithRequired<Fields, Required> = Fields & {
  [Field in keyof Required]: Required[Field] extends 'number' ? number : string
}

/** One action's requirement. */
interface Requirement {
  readonly action: string
  readonly fields: Readonly<Record<string, 'text' | 'number'>>
}

type Accept = (value: unknown) => boolean

// What zod accepts for each kind (zod/v4/core: `$ZodString`, `$ZodNumber`, `util.isObject`).
const always: Accept = () => true
const isString: Accept = (value) => typeof value === 'string'
const isBoolean: Accept = (value) => typeof value === 'boolean'
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int32: [-2_147_483_648, 2_147_483_647],
}

interface Node {
  readonly type: string
  readonly checks?: readonly { readonly _zod: { readonly def: Record<string, unknown> } }[]
  readonly [key: string]: unknown
}

const defOf = (schema: unknown) => (schema as { _zod: { def: Node } })._zod.def

/**
 * A test that is true exactly when `schema.safeParse(value).success` is, for the kinds the
 * models are made of; for any other kind (or check), zod's own `safeParse`.
 */
export function compileAccept(schema: z.core.$ZodType): Accept {
  const def = defOf(schema)
  const checked = def.checks !== undefined && def.checks.length > 0
  switch (def.type) {
    case 'string':
      return checked ? byZod(schema) : isString
    case 'boolean':
      return isBoolean
    case 'unknown':
    case 'any':
      return always
    case 'number':
      return compileNumber(def) ?? byZod(schema)
    case 'optional': {
      const inner = compileAccept(def.innerType as z.core.$ZodType)
      return (value) => value === undefined || inner(value)
    }
    case 'nullable': {
      const inner = compileAccept(def.innerType as z.core.$ZodType)
      return (value) => value === null || inner(value)
    }
    case 'array': {
      if (checked) return byZod(schema)
      const element = compileAccept(def.element as z.core.$ZodType)
      // A list of text (scopes, claim names): no call per item.
      if (element === isString) {
        return (value) => {
          if (!Array.isArray(value)) return false
          for (const item of value) if (typeof item !== 'string') return false
          return true
        }
      }
      return (value) => {
        if (!Array.isArray(value)) return false
        for (const item of value) if (!element(item)) return false
        return true
      }
    }
    case 'object': {
      const keys = testedKeys(def)
      if (keys === null) return byZod(schema)
      const shape = def.shape as Record<string, z.core.$ZodType>
      return generatedObjectTest(keys, shape) ?? loopedObjectTest(keys, shape)
    }
    default:
      return byZod(schema)
  }
}

/** The keys an object's own test reads; `null` for an object that zod must test. */
function testedKeys(def: Node): string[] | null {
  // A strict object (catchall `never`) refuses unknown keys, which this test does not look at.
  const catchall = def.catchall === undefined ? 'unknown' : defOf(def.catchall).type
  if ((def.checks !== undefined && def.checks.length > 0) || (catchall !== 'unknown' && catchall !== 'any')) {
    return null
  }
  // zod never reads a field named `__proto__` (it would be the prototype): neither does this.
  return Object.keys(def.shape as object).filter((key) => key !== '__proto__')
}

/** A key read as `value["key"]` by name: not an array index, nor anything to escape. */
const PLAIN_KEY = /^(?!\d)[\w$-]+$/

/**
 * An object's test as code that reads each field by name (`value["clientId"]`) and tests it in
 * place: `typeof v === "string"`, a number's bounds, `undefined` or `null` where the model allows
 * them. Such a read, at a site of its own, stays cheap where the field is absent (most of a model's
 * fields, in most answers), and a test written out costs no call; `value[keys[i]]` in a loop is one
 * megamorphic read that looks each name up the slow way. What is not written out (a list, a nested
 * object, a kind zod checks) is called as its own compiled test. Built with `new Function` from the
 * model's own key names, as zod's fast path is; `null` where code generation is not allowed
 * (`--disallow-code-generation-from-strings`) or a key is not plain, and the caller's loop serves.
 */
function generatedObjectTest(keys: readonly string[], shape: Record<string, z.core.$ZodType>): Accept | null {
  return generatedTest(keys, shape, false) as Accept | null
}

/**
 * The generated test of an object, or of an answer (`answer`): then it also says whether a field
 * of the model is `null` ({@link AnswerTest}), which costs a comparison per field read anyway, not
 * a second walk over the answer's keys.
 */
function generatedTest(
  keys: readonly string[],
  shape: Record<string, z.core.$ZodType>,
  answer: boolean,
): Accept | AnswerTest | null {
  if (!keys.every((key) => PLAIN_KEY.test(key))) return null
  const [no, yes] = answer ? ['0', 'n'] : ['false', 'true']
  try {
    const calls: Accept[] = []
    const lines = keys.map(
      (key) =>
        `v = value[${JSON.stringify(key)}]; if (!(${testSource(shape[key] as z.core.$ZodType, calls)})) return ${no};${answer ? ' if (v === null) n = 2;' : ''}`,
    )
    const source = `return function accept(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return ${no};
    let v;${answer ? ' let n = 1;' : ''}
    ${lines.join('\n    ')}
    return ${yes};
  }`
    const parameters = calls.map((_, i) => `t${i}`)
    return new Function(...parameters, source)(...calls) as Accept | AnswerTest
  } catch {
    return null
  }
}

/** An answer's test: 0 it fails, 1 it passes, 2 it passes with a field of the model `null`. */
type AnswerTest = (value: unknown) => 0 | 1 | 2

/** The test of an answer (an object model): generated where it can be, else the plain test. */
function compileAnswerTest(schema: z.ZodObject): AnswerTest {
  const def = defOf(schema)
  const keys = testedKeys(def)
  const test = keys === null ? null : generatedTest(keys, def.shape as Record<string, z.core.$ZodType>, true)
  if (test !== null) return test as AnswerTest
  // A null may be anywhere: the parse looks.
  const accept = compileAccept(schema)
  return (value) => (accept(value) ? 2 : 0)
}

/** An object's test as a loop over its fields' compiled tests: where code cannot be generated. */
function loopedObjectTest(keys: readonly string[], shape: Record<string, z.core.$ZodType>): Accept {
  const tests = keys.map((key) => compileAccept(shape[key] as z.core.$ZodType))
  return (value) => {
    if (!isObject(value)) return false
    for (let i = 0; i < keys.length; i++) {
      if (!(tests[i] as Accept)(value[keys[i] as string])) return false
    }
    return true
  }
}

/**
 * The source of a test of `v` against `schema`: written out for the kinds that are a comparison or
 * two, else a call of its compiled test (added to `calls`).
 */
function testSource(schema: z.core.$ZodType, calls: Accept[]): string {
  const def = defOf(schema)
  const checked = def.checks !== undefined && def.checks.length > 0
  switch (def.type) {
    case 'string':
      if (!checked) return "typeof v === 'string'"
      break
    case 'boolean':
      return "typeof v === 'boolean'"
    case 'unknown':
    case 'any':
      return 'true'
    case 'number': {
      const bounds = numberBounds(def)
      if (bounds === null) break
      const { min, max, integer, minInclusive } = bounds
      const parts = ["typeof v === 'number'", 'Number.isFinite(v)']
      if (integer) parts.push('Number.isInteger(v)')
      if (min !== Number.NEGATIVE_INFINITY) parts.push(`v ${minInclusive ? '>=' : '>'} ${numberSource(min)}`)
      if (max !== Number.POSITIVE_INFINITY) parts.push(`v <= ${numberSource(max)}`)
      return parts.join(' && ')
    }
    case 'optional':
      return `v === undefined || (${testSource(def.innerType as z.core.$ZodType, calls)})`
    case 'nullable':
      return `v === null || (${testSource(def.innerType as z.core.$ZodType, calls)})`
  }
  calls.push(compileAccept(schema))
  return `t${calls.length - 1}(v)`
}

/** A finite number as source text that reads back as the same number. */
function numberSource(value: number): string {
  const text = String(value)
  if (!Number.isFinite(value) || Number(text) !== value) throw new TypeError(`not a plain number: ${text}`)
  return text
}

interface NumberBounds {
  readonly min: number
  readonly max: number
  readonly integer: boolean
  readonly minInclusive: boolean
}

/** The bounds zod holds a number to, for the formats and checks the models use; `null` for others. */
function numberBounds(def: Node): NumberBounds | null {
  let min = Number.NEGATIVE_INFINITY
  let max = Number.POSITIVE_INFINITY
  let integer = false
  if (typeof def.format === 'string') {
    const range = INTEGER_RANGES[def.format]
    if (range === undefined) return null
    ;[min, max] = range
    integer = true
  }
  let minInclusive = true
  for (const check of def.checks ?? []) {
    const { check: kind, value, inclusive } = check._zod.def
    if (kind !== 'greater_than' || typeof value !== 'number' || value < min) return null
    min = value
    minInclusive = inclusive === true
  }
  return { min, max, integer, minInclusive }
}

function compileNumber(def: Node): Accept | null {
  const bounds = numberBounds(def)
  if (bounds === null) return null
  const { min, max, integer, minInclusive } = bounds
  return (value) =>
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (minInclusive ? value >= min : value > min) &&
    value <= max
}

function byZod(schema: z.core.$ZodType): Accept {
  return (value) => (schema as z.ZodType).safeParse(value).success
}

const NONE: readonly string[] = Object.freeze([])
const NONE_REQUIRED: readonly Requirement[] = Object.freeze([])

/** The requirement for `answer`'s action, if any. */
function requirementOf(answer: Record<string, unknown>, requirements: readonly Requirement[]) {
  for (const requirement of requirements) if (answer.action === requirement.action) return requirement
  return undefined
}

/** The names of the fields `requirement` finds missing in `answer` (no array made when none is). */
function missing(answer: Record<string, unknown>, requirement: Requirement | undefined): readonly string[] {
  if (requirement === undefined) return NONE
  let names: string[] | undefined
  for (const field in requirement.fields) {
    const value = answer[field]
    const ok =
      requirement.fields[field] === 'number'
        ? typeof value === 'number'
        : typeof value === 'string' && value.length > 0
    if (ok) continue
    if (names === undefined) names = [field]
    else names.push(field)
  }
  return names ?? NONE
}

/** `answer` without the model's top-level fields that are `null` (an unknown one is kept). */
function withoutNulls<Result>(answer: Record<string, unknown>, fields: ReadonlySet<string>): Result {
  for (const key in answer) if (answer[key] === null && fields.has(key)) delete answer[key]
  return answer as Result
}

/**
 * The parse of an operation's answer, from a zod object schema compiled once and the fields each
 * `action` requires. `null` in one of the model's top-level fields is read as absent (Authlete's
 * schemas mark fields optional without saying whether an absent one is omitted or sent as `null`),
 * so that `field?: T` holds after parsing; an unknown field is kept as it came, `null` included.
 *
 * A valid answer is the parsed JSON itself (the caller's own, fresh object); an invalid one is
 * parsed by zod for its issues.
 */
export function modelParser<Result>(
  schema: z.ZodObject,
  required?: Requirements,
): (json: unknown) => ParseResult<Result> {
  const requirements: readonly Requirement[] =
    required === undefined
      ? NONE_REQUIRED
      : Object.entries(required).map(([action, fields]) => ({ action, fields }))
  const test = compileAnswerTest(schema)
  const fields: ReadonlySet<string> = new Set(Object.keys(schema.shape))
  return (json) => {
    const passed = test(json)
    if (passed !== 0) {
      const answer = json as Record<string, unknown>
      if (missing(answer, requirementOf(answer, requirements)).length === 0) {
        return {
          success: true,
          data: passed === 1 ? (answer as Result) : withoutNulls<Result>(answer, fields),
        }
      }
    }
    const result = schema.safeParse(json)
    if (!result.success) {
      return {
        success: false,
        issues: result.error.issues.map((issue) => ({
          path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
          message: issue.message,
        })),
      }
    }
    const data = result.data as Record<string, unknown>
    const required = requirementOf(data, requirements)
    const names = missing(data, required)
    // Only if this test were stricter than zod somewhere: zod's word is the model's.
    if (names.length === 0) return { success: true, data: withoutNulls<Result>(data, fields) }
    return {
      success: false,
      issues: names.map((name) => ({
        path: [name],
        message: `required when action is ${required?.action}`,
      })),
    }
  }
}

/**
 * An operation with its answer's model: the transport reads `parse`; the tests that hold the
 * compiled check to zod's word read `model`.
 */
export interface ModelledOperation<Input, Result> extends Operation<Input, Result> {
  readonly model: z.ZodObject
}

/** `model` and its `parse` ({@link modelParser}), to spread into an operation. */
export function answerModel<Result>(model: z.ZodObject, required?: Requirements) {
  return { model, parse: modelParser<Result>(model, required) }
}
