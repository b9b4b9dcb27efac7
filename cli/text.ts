/**
 * Text for the operator's terminal: every control character escaped, so that what Authlete (or
 * whatever answered) controls cannot move the cursor, retitle the window or write a hyperlink.
 *
 * @module
 */

/**
 * A value as terminal text: objects as JSON, and every control character (C0, DEL, C1) escaped, so
 * that text Authlete (or whatever answered) controls cannot move the cursor, retitle the window or
 * write a hyperlink into the operator's terminal.
 */
export function text(value: unknown): string {
  const raw = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  return raw.replace(CONTROL, escapeControl)
}

/** JSON on one line; C1 controls and DEL escaped too (JSON.stringify leaves them raw). */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(CONTROL, escapeControl)
}

// C0, DEL and C1: exactly the characters to escape.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g

function escapeControl(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
}
