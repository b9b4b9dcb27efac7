// The client's request read into what Authlete is given, shared by the backchannel authentication
// and token endpoints: the form body in each shape a framework hands over, the Basic credentials,
// and a Fetch body read within its limit. Pure functions and hand-made streams: no I/O.
import { describe, expect, it } from 'vitest'
import {
  formText,
  readBodyText,
  readClientRequest,
  unknownInputField,
} from '../../src/endpoints/request-input.js'
import { AuthleteAbortError, AuthleteInputError } from '../../src/index.js'
import { basic } from '../helpers/basic.js'

describe('formText', () => {
  it.each([
    ['raw text, as received', 'scope=openid&login_hint=john', 'scope=openid&login_hint=john'],
    [
      'URLSearchParams',
      new URLSearchParams({ scope: 'openid', login_hint: 'j+hn' }),
      'scope=openid&login_hint=j%2Bhn',
    ],
    [
      'a parsed object, in its order',
      { login_hint: 'john', scope: 'openid email' },
      'login_hint=john&scope=openid+email',
    ],
    ['values form-encoded', { binding_message: 'a&b=c', x: 'é' }, 'binding_message=a%26b%3Dc&x=%C3%A9'],
    [
      'an array: the parameter repeated',
      { scope: 'openid', login_hint: ['john', 'jane'] },
      'scope=openid&login_hint=john&login_hint=jane',
    ],
    ['an empty array: no parameter', { scope: 'openid', acr_values: [] }, 'scope=openid'],
    ['an empty object', {}, ''],
  ])('%s', (_name, body, text) => {
    expect(formText(body)).toBe(text)
  })

  it("querystring's objects without a prototype", () => {
    const parsed = Object.assign(Object.create(null) as object, { scope: 'openid', login_hint: ['a', 'b'] })
    expect(formText(parsed)).toBe('scope=openid&login_hint=a&login_hint=b')
  })

  it.each([
    ['a nested object', { login_hint: { x: 'john' } }],
    ['a number', { requested_expiry: 60 }],
    ['an array holding something else', { scope: ['openid', 7] }],
    // biome-ignore lint/suspicious/noSparseArray: the hole is the case
    ['an array with a hole', { scope: [, 'openid'] }],
  ])('what a parser nested or typed (%s): the client’s request, refused; no value shown', (_name, body) => {
    const unusable = formText(body)
    expect(unusable).toEqual({ unusable: 'client', problem: expect.any(String) })
    expect(JSON.stringify(unusable)).not.toMatch(/john|openid|60/)
  })

  it('an undefined value is left out', () => {
    expect(formText({ scope: 'openid', acr_values: undefined })).toBe('scope=openid')
  })

  it.each([
    ['bytes', Buffer.from('scope=openid')],
    ['an array', ['scope', 'openid']],
    ['a Map', new Map([['scope', 'openid']])],
    ['an instance of a class', new (class Form {})()],
    ['null', null],
    ['a number', 42],
  ])('neither text nor a parsed form (%s): the server’s own setup', (_name, body) => {
    expect(formText(body)).toEqual({ unusable: 'server', problem: expect.any(String) })
  })
})

describe('formText of no body at all', () => {
  it('undefined is an empty body: Express 5 leaves req.body so when the Content-Type is not a form, the client’s doing', () => {
    expect(formText(undefined)).toBe('')
  })
})

describe('unknownInputField', () => {
  it('accepts exactly the names given, whatever string the key is; none of the prototype; the message lists them', () => {
    const fields: ReadonlySet<string> = new Set(['body', 'authorization', 'a"b\\c'])
    const built = ['author', 'ization'].join('')
    for (const key of ['body', 'authorization', built, 'a"b\\c']) {
      expect(unknownInputField({ [key]: 1 }, fields), key).toBeUndefined()
    }
    for (const key of ['Body', 'body ', '', 'toString', '__proto__', 'constructor', 'a"b']) {
      const error = unknownInputField(Object.defineProperty({}, key, { value: 1, enumerable: true }), fields)
      expect(error, key).toBeInstanceOf(AuthleteInputError)
      expect(error?.message, key).toContain('(body, authorization, a"b\\c)')
    }
  })
})

describe('readClientRequest', () => {
  const FIELDS: ReadonlySet<string> = new Set(['body', 'authorization'])

  it('the form text and the Basic credentials', () => {
    expect(
      readClientRequest({ body: { scope: 'openid' }, authorization: basic('c1', 's+1') }, FIELDS),
    ).toEqual({
      parameters: 'scope=openid',
      clientId: 'c1',
      clientSecret: 's+1',
    })
    expect(readClientRequest({ body: 'scope=openid', authorization: undefined }, FIELDS)).toEqual({
      parameters: 'scope=openid',
      clientId: undefined,
      clientSecret: undefined,
    })
  })

  it.each([
    ['client ID', 'i'.repeat(65_537), 's', 'client ID over 65536 characters'],
    ['client secret', 'c', 's'.repeat(65_537), 'client secret over 65536 characters'],
  ])('a %s over 65 536 characters: invalid_client at clientAuthentication', (_name, id, secret, why) => {
    const read = readClientRequest({ body: 'scope=openid', authorization: basic(id, secret) }, FIELDS)
    expect(read).toEqual({
      refused: 'invalid_client',
      stage: 'clientAuthentication',
      error: expect.any(AuthleteInputError),
    })
    expect(read).toMatchObject({ error: { field: 'authorization', message: expect.stringContaining(why) } })
  })

  it('65 536 characters each pass', () => {
    expect(
      readClientRequest(
        { body: 'scope=openid', authorization: basic('i'.repeat(65_536), 's'.repeat(65_536)) },
        FIELDS,
      ),
    ).toMatchObject({
      parameters: 'scope=openid',
    })
  })

  it('the credentials are checked first: a malformed header wins over a bad body', () => {
    expect(readClientRequest({ body: 42, authorization: 'Bearer x' }, FIELDS)).toMatchObject({
      refused: 'invalid_client',
    })
  })

  it('a nested value is the client’s (invalid_request), a body of another type the server’s (server_error)', () => {
    expect(readClientRequest({ body: { a: { b: 'c' } }, authorization: undefined }, FIELDS)).toMatchObject({
      refused: 'invalid_request',
      stage: 'request',
    })
    expect(readClientRequest({ body: Buffer.from('a=b'), authorization: undefined }, FIELDS)).toMatchObject({
      refused: 'server_error',
      stage: 'request',
    })
  })
})

describe('readClientRequest of an input with a field the endpoint does not read', () => {
  const FIELDS: ReadonlySet<string> = new Set(['body', 'authorization', 'dpop'])

  it('a framework request object (body, headers, method…) is the server’s mistake: server_error at request, naming the field and the fields read', () => {
    const req = { method: 'POST', headers: { authorization: basic('c1', 's1') }, body: { scope: 'openid' } }
    const read = readClientRequest(req, FIELDS)
    expect(read).toEqual({ refused: 'server_error', stage: 'request', error: expect.any(AuthleteInputError) })
    expect(read).toMatchObject({
      error: {
        field: 'method',
        message:
          "method: not a field of the endpoint's input (body, authorization, dpop): pass these, with the headers read from the request, not the framework's request object",
      },
    })
  })

  it('an inherited enumerable field counts too; a missing authorization is read as none', () => {
    const input = Object.assign(Object.create({ headers: {} }), { body: 'a=b', authorization: undefined })
    expect(readClientRequest(input, FIELDS)).toMatchObject({
      refused: 'server_error',
      error: { field: 'headers' },
    })
    expect(readClientRequest({ body: 'a=b' }, FIELDS)).toEqual({
      parameters: 'a=b',
      clientId: undefined,
      clientSecret: undefined,
    })
  })
})

describe('readBodyText', () => {
  const live = new AbortController().signal

  function post(chunks: Array<Uint8Array | string>, init: RequestInit = {}) {
    const stream = new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk)
        controller.close()
      },
    })
    return new Request('https://as.example/', {
      method: 'POST',
      body: stream,
      duplex: 'half',
      ...init,
    } as RequestInit)
  }

  it('decodes UTF-8 as request.text() does: a character split between chunks, a BOM dropped', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('x=é&y=€')])
    const split = [bytes.slice(0, 5), bytes.slice(5, 11), bytes.slice(11)]
    expect(await readBodyText(post(split), live)).toBe('x=é&y=€')
    expect(await readBodyText(post(split), live)).toBe(await post(split).text())
  })

  it('no body: empty text', async () => {
    expect(await readBodyText(new Request('https://as.example/'), live)).toBe('')
  })

  it('the limit is in bytes: exactly it passes, one more is refused', async () => {
    expect(await readBodyText(post([new Uint8Array(10).fill(0x61)]), live, 10)).toBe('a'.repeat(10))
    await expect(readBodyText(post([new Uint8Array(11).fill(0x61)]), live, 10)).rejects.toMatchObject({
      code: 'AUTHLETE_INVALID_INPUT',
      field: 'body',
    })
  })

  it('a signal already aborted: AuthleteAbortError with its reason, nothing read', async () => {
    let pulled = false
    const stream = new ReadableStream(
      {
        pull: () => {
          pulled = true
        },
      },
      { highWaterMark: 0 },
    )
    const request = new Request('https://as.example/', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit)
    const reason = new Error('stop')
    const error = await readBodyText(request, AbortSignal.abort(reason)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthleteAbortError)
    expect(error).toHaveProperty('cause', reason)
    expect(pulled).toBe(false)
  })

  it('a broken stream: its own error', async () => {
    const broken = new Error('reset')
    const stream = new ReadableStream({ pull: (controller) => controller.error(broken) })
    const request = new Request('https://as.example/', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit)
    await expect(readBodyText(request, live)).rejects.toBe(broken)
  })

  it('chunks that are not bytes: a TypeError', async () => {
    await expect(readBodyText(post(['text']), live)).rejects.toThrow(TypeError)
  })
})
