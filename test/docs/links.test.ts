// The documentation as the package ships it: README.md stays within 16 KB, and every relative link
// of README.md and docs/ resolves inside the installed package (the file list of `npm pack`), each
// `#anchor` to a heading of its page. A link to a file the package does not ship (examples/, bench/,
// test/, CONTRIBUTING.md) breaks wherever the package is read: name such a path as code instead.
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
/** 16 KB read as 16 000 bytes: under the limit whichever kilobyte a reader means. */
const README_LIMIT = 16_000

/** A link found in a Markdown page: its target as written and the line it stands on. */
interface Link {
  target: string
  line: number
}

/** The page's lines with fenced code blocks blanked and inline code spans masked (same length). */
function proseLines(markdown: string): string[] {
  let fence: string | undefined
  return markdown.split('\n').map((line) => {
    const opening = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
    if (fence !== undefined) {
      if (opening !== undefined && opening[0] === fence[0] && opening.length >= fence.length)
        fence = undefined
      return ''
    }
    if (opening !== undefined) {
      fence = opening
      return ''
    }
    return line.replace(/(`+)(.+?)\1/g, (span) => 'x'.repeat(span.length))
  })
}

/** Inline links `[text](target "title")` and reference definitions `[label]: target`, outside code. */
function linksOf(markdown: string): Link[] {
  const links: Link[] = []
  proseLines(markdown).forEach((line, index) => {
    for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ target: match[1] as string, line: index + 1 })
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line)
    if (definition) links.push({ target: definition[1] as string, line: index + 1 })
  })
  return links
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slugOf(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** The anchors of a page's headings; a repeated heading gets `-1`, `-2`, … as on GitHub. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) fenced = !fenced
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!heading) continue
    const slug = slugOf(heading[1] as string)
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

/**
 * What is wrong with each relative link of `page` (a path in the package), as `page:line target:
 * reason`: a target outside the package, not in `packed`, or an anchor that no heading of its page
 * makes. `read` gives a packed Markdown page's text, for its anchors.
 */
function brokenLinks(
  page: string,
  markdown: string,
  packed: ReadonlySet<string>,
  read: (file: string) => string,
): string[] {
  const broken: string[] = []
  for (const { target, line } of linksOf(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue // absolute URL
    const hash = target.indexOf('#')
    const file = hash === -1 ? target : target.slice(0, hash)
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1))
    const where = `${page}:${line} ${target}`
    const resolved =
      file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file))
    if (file.startsWith('/') || resolved.startsWith('../') || resolved === '..') {
      broken.push(`${where}: outside the package`)
      continue
    }
    const folder = `${resolved.replace(/\/$/, '')}/`
    const isFile = packed.has(resolved)
    if (!isFile && ![...packed].some((packedFile) => packedFile.startsWith(folder))) {
      broken.push(`${where}: not in the package`)
      continue
    }
    if (
      anchor !== undefined &&
      isFile &&
      resolved.endsWith('.md') &&
      !anchorsOf(read(resolved)).has(anchor)
    ) {
      broken.push(`${where}: no heading makes #${anchor}`)
    }
  }
  return broken
}

/** The files `npm pack` puts in the tarball. `--ignore-scripts`: a prepack build is not needed for the list. */
async function packedFiles(): Promise<Set<string>> {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  })
  const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }]
  return new Set(pack.files.map((file) => file.path))
}

function markdownUnder(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.posix.join(folder, file.split(path.sep).join('/')))
    .sort()
}

const read = (file: string) => readFileSync(path.join(root, file), 'utf8')

describe('the documentation in the package', () => {
  let packed: Set<string>
  beforeAll(async () => {
    packed = await packedFiles()
  }, 120_000)

  it(`README.md is at most ${README_LIMIT} bytes: the reference goes to docs/`, () => {
    expect(Buffer.byteLength(read('README.md'))).toBeLessThanOrEqual(README_LIMIT)
  })

  it('README.md and every page under docs/ are in the package', () => {
    const pages = ['README.md', ...markdownUnder('docs')]
    expect(pages.length).toBeGreaterThan(1)
    expect(pages.filter((page) => !packed.has(page))).toEqual([])
  })

  it('every relative link and #anchor of README.md and docs/ resolves inside the package', () => {
    const pages = ['README.md', ...markdownUnder('docs')]
    expect(pages.flatMap((page) => brokenLinks(page, read(page), packed, read))).toEqual([])
  })
})

describe('the link check', () => {
  const packed = new Set(['README.md', 'LICENSE', 'docs/calls.md', 'dist/index.js'])
  const pages: Record<string, string> = {
    'README.md': '# authlete-ciba\n\n## Completing: ping, push, poll\n',
    'docs/calls.md':
      '# The calls\n\n## `backchannelIssue(ticket, options?)`: `/backchannel/authentication/issue`\n',
  }
  const check = (page: string, markdown: string) =>
    brokenLinks(page, markdown, packed, (file) => pages[file] ?? '')

  it('passes links to packed files and folders, absolute URLs, and anchors that headings make', () => {
    const markdown = [
      '[calls](docs/calls.md) [license](LICENSE) [dist](dist/) [site](https://www.authlete.com/)',
      '[issue](docs/calls.md#backchannelissueticket-options-backchannelauthenticationissue)',
      '[completing](#completing-ping-push-poll) [mail](mailto:a@example.com)',
      '[ref]: docs/calls.md',
    ].join('\n')
    expect(check('README.md', markdown)).toEqual([])
    expect(check('docs/calls.md', '[back](../README.md#completing-ping-push-poll)')).toEqual([])
  })

  it('names each link to a file the package does not ship, with its page and line', () => {
    const markdown =
      '# Title\n\nSee [the example](examples/authorization-server/)\nand [how to help](CONTRIBUTING.md).'
    expect(check('README.md', markdown)).toEqual([
      'README.md:3 examples/authorization-server/: not in the package',
      'README.md:4 CONTRIBUTING.md: not in the package',
    ])
    expect(check('docs/calls.md', '[tests](../test/faults.test.ts)')).toEqual([
      'docs/calls.md:1 ../test/faults.test.ts: not in the package',
    ])
  })

  it('refuses a link that leaves the package', () => {
    expect(check('docs/calls.md', '[up](../../other/README.md) [root](/README.md)')).toEqual([
      'docs/calls.md:1 ../../other/README.md: outside the package',
      'docs/calls.md:1 /README.md: outside the package',
    ])
  })

  it('refuses an anchor that no heading of its page makes', () => {
    expect(check('README.md', '[x](#completing) [y](docs/calls.md#backchannelissue)')).toEqual([
      'README.md:1 #completing: no heading makes #completing',
      'README.md:1 docs/calls.md#backchannelissue: no heading makes #backchannelissue',
    ])
  })

  it('ignores links in code blocks and code spans', () => {
    const markdown = ['```md', '[x](examples/)', '```', 'Run `[y](bench/)` as is.'].join('\n')
    expect(check('README.md', markdown)).toEqual([])
  })

  it('numbers repeated headings as GitHub does, and ignores headings in code blocks', () => {
    expect([...anchorsOf('# A\n## A\n```sh\n# not a heading\n```\n## Undici’s own: `x`')]).toEqual([
      'a',
      'a-1',
      'undicis-own-x',
    ])
  })
})
