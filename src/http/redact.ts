/**
 * Keeping credentials out of text that came back from the network: a debugging proxy or a
 * `resultMessage` may echo the request's `Authorization` header into an error.
 *
 * @internal
 * @module
 */

/** `text` with every occurrence of each secret replaced by `[REDACTED]`. */
export function redact(text: string, secrets: readonly string[]): string {
  for (const secret of secrets) {
    if (text.includes(secret)) text = text.replaceAll(secret, '[REDACTED]')
  }
  return text
}
