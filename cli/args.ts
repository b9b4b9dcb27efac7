/**
 * Reading the command line against the commands' table: which command, its argument, its flags.
 * Every mistake is a {@link UsageError} that names what is wrong (and the closest known name for a
 * misspelt one), not `parseArgs`' own text.
 *
 * @module
 */

import { parseArgs } from 'node:util'
// The constructor's own "did you mean": one rule for a misspelt name, in the library and here.
import { suggest } from '../src/input.js'
import { type CommandSpec, type Flags, UsageError } from './commands.js'
import { text } from './text.js'

/** The flags every Authlete call takes, beside its own. */
export const CALL_FLAGS = {
  json: { type: 'boolean' },
  region: { type: 'string' },
  'base-url': { type: 'string' },
  'allow-insecure-http': { type: 'boolean' },
  timeout: { type: 'string' },
  'stand-in': { type: 'boolean' },
} as const

/** The flags that stand alone. */
const GLOBAL_FLAGS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

/** The command line, read. */
export interface CommandLine {
  /** The command's spec; `undefined` with `--help` or `--version`. */
  readonly command: CommandSpec | undefined
  /** Its argument, when it takes one. */
  readonly argument: string
  /** The command's own flags and the common ones that take a value. */
  readonly flags: Flags
  /** The boolean flags given. */
  readonly switches: ReadonlySet<string>
  /** The command's name of before the first release, when that is what was typed. */
  readonly deprecatedName?: string | undefined
}

/**
 * Reads `args` for one of `commands`; those `takesCallFlags` picks (the Authlete calls) also take
 * {@link CALL_FLAGS}.
 *
 * @throws {UsageError} naming the first thing that is wrong.
 */
export function readCommandLine(
  args: readonly string[],
  commands: readonly CommandSpec[],
  takesCallFlags: (command: CommandSpec) => boolean,
): CommandLine {
  const types = new Map<string, 'string' | 'boolean'>(
    Object.entries({ ...CALL_FLAGS, ...GLOBAL_FLAGS }).map(([name, { type }]) => [name, type]),
  )
  for (const command of commands) for (const name of Object.keys(command.flags)) types.set(name, 'string')
  const options = {
    ...Object.fromEntries([...types].map(([name, type]) => [name, { type }])),
    ...GLOBAL_FLAGS,
  }
  // Not strict: parseArgs' own errors neither name the closest flag nor read well; ours do.
  const { tokens } = parseArgs({
    args: [...args],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  })

  const positionals: string[] = []
  const flags: Record<string, string> = {}
  const switches = new Set<string>()
  let terminated = false
  // The first thing wrong, said once the command (and so its usage line) is known.
  let problem: string | undefined
  for (const token of tokens) {
    if (token.kind === 'option-terminator') terminated = true
    else if (token.kind === 'positional') positionals.push(token.value)
    else problem ??= readFlag(token, types, flags, switches)
  }
  if (problem !== undefined) {
    const name = positionals[0]
    const command = commands.find((c) => c.name === name || c.deprecatedNames?.includes(name as string))
    throw new UsageError(problem, command?.name)
  }
  if (switches.has('help') || switches.has('version')) {
    return { command: undefined, argument: '', flags, switches }
  }

  const [typed, ...rest] = positionals
  const names = commands.map((command) => command.name)
  if (typed === undefined) throw new UsageError(`no command: give one of ${list(names, 'or')}`)
  const command = commands.find(
    (candidate) => candidate.name === typed || candidate.deprecatedNames?.includes(typed) === true,
  )
  const name = command?.name ?? typed
  if (command === undefined) {
    // A slip of an old name suggests the new one.
    const renamed = new Map(commands.flatMap((c) => (c.deprecatedNames ?? []).map((old) => [old, c.name])))
    const closest = suggest(typed, [...names, ...renamed.keys()])
    const hint = closest.replace(/"([^"]+)"/, (_quoted, found: string) => `"${renamed.get(found) ?? found}"`)
    throw new UsageError(
      `unknown command "${text(name)}"${hint || `: the commands are ${list(names, 'and')}`}`,
    )
  }
  const argument = command.argument
  const wanted = argument ? 1 : 0
  if (rest.length < wanted) {
    throw new UsageError(`${name} needs <${argument?.name}> (${argument?.what})`, name)
  }
  if (rest.length > wanted) {
    const what = argument ? `one <${argument.name}>` : 'no argument'
    const got = rest.map((word) => `"${text(word)}"`)
    // After "--" every word is an argument, options included: the likely slip.
    const why =
      terminated && rest.some((word) => word.startsWith('-'))
        ? ' (after "--" every word is an argument: put the options before it)'
        : ''
    throw new UsageError(`${name} takes ${what}, got ${rest.length}: ${list(got, 'and')}${why}`, name)
  }

  const own = new Set(Object.keys(command.flags))
  const common = takesCallFlags(command) ? new Set(Object.keys(CALL_FLAGS)) : new Set<string>()
  for (const flag of [...Object.keys(flags), ...switches]) {
    if (!own.has(flag) && !common.has(flag)) {
      throw new UsageError(`--${flag} does not apply to "${name}"`, name)
    }
  }
  for (const [flag, why] of Object.entries(command.flags)) {
    if (why !== undefined && flags[flag] === undefined)
      throw new UsageError(`${name} needs --${flag} ${why}`, name)
  }
  const deprecatedName = name === typed ? undefined : typed
  return { command, argument: rest[0] ?? '', flags, switches, deprecatedName }
}

type OptionToken = Extract<NonNullable<ReturnType<typeof parseArgs>['tokens']>[number], { kind: 'option' }>

/** Records one flag in `flags` or `switches`; what is wrong with it, if anything. */
function readFlag(
  token: OptionToken,
  types: ReadonlyMap<string, 'string' | 'boolean'>,
  flags: Record<string, string>,
  switches: Set<string>,
): string | undefined {
  const type = types.get(token.name)
  const raw = text(token.rawName)
  if (type === undefined) {
    return `unknown option ${raw}${suggest(
      token.rawName,
      [...types.keys()].map((name) => `--${name}`),
    )}`
  }
  if (type === 'boolean') {
    if (token.value !== undefined) return `${raw} takes no value`
    switches.add(token.name)
    return undefined
  }
  if (token.value === undefined) return `${raw} needs a value`
  // parseArgs takes the next word even when it looks like an option: most likely the value was forgotten.
  if (!token.inlineValue && token.value.startsWith('-')) {
    const value = text(token.value)
    return `${raw} needs a value, got "${value}" (write ${raw}=${value} if that is the value)`
  }
  flags[token.name] = token.value
  return undefined
}

/** `a, b or c` */
function list(items: readonly string[], and: string): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} ${and} ${items.at(-1)}`
}
