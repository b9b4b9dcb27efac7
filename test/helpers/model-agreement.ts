import type { z } from 'zod'
import { compileAccept } from '../../src/operations/model.js'

type Model = z.ZodObject

/** A seeded generator, so that a failure names a case that can be run again. */
export function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

/**
 * How many answers the compiled check of `model` and zod disagree on, the answers being `base`
 * with one field (each of the model's, and an unknown one) set to each of `values`.
 */
export function disagreementsPerField(model: Model, values: readonly unknown[], base: object): number {
  const accept = compileAccept(model)
  let disagreements = 0
  for (const field of [...Object.keys(model.shape), 'unknownField']) {
    for (const value of values) {
      const answer = { ...base, [field]: value }
      if (accept(answer) !== model.safeParse(answer).success) disagreements++
    }
  }
  return disagreements
}

/** `count` answers: `base` with one to four of the model's fields set to `values`, drawn from `seed`. */
export function* randomAnswers(
  model: Model,
  values: readonly unknown[],
  base: object,
  count: number,
  seed: number,
): Generator<Record<string, unknown>> {
  const fields = Object.keys(model.shape)
  const next = random(seed)
  for (let i = 0; i < count; i++) {
    const answer: Record<string, unknown> = { ...base }
    const set = 1 + Math.floor(next() * 4)
    for (let f = 0; f < set; f++) {
      answer[fields[Math.floor(next() * fields.length)] as string] =
        values[Math.floor(next() * values.length)]
    }
    yield answer
  }
}
