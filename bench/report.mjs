// Renders the benchmark result as a Markdown table and a small SVG bar chart (no plotting dependency).

const NAMES = {
  floor: 'floor: undici.request + JSON.parse',
  dispatch: 'floor: Pool.dispatch + JSON.parse',
  'dispatch+zod': 'floor: Pool.dispatch + JSON.parse + zod',
  sdk: 'authlete-ciba',
  official: '@authlete/typescript-sdk',
  fetch: 'global fetch + json()',
}
const OPERATIONS = ['authentication', 'fail', 'complete', 'token']
const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a')
const ratio = (a, b) => a / b
const mb = (bytes) => bytes / 1024 / 1024

/** The targets of the benchmark issue, evaluated on one run. */
export function targets(result) {
  const f = result.figures
  const heap = soakGrowth(result.soak)
  return [
    [
      'issue: client CPU per call vs undici.request, concurrency 32',
      ratio(f['sdk@32'].cpuUsPerCall, f['floor@32'].cpuUsPerCall),
      '≤ 0.9 × floor',
      (r) => r <= 0.9,
    ],
    [
      'calls per second, concurrency 32',
      ratio(f['sdk@32'].callsPerSecond, f['floor@32'].callsPerSecond),
      '≥ 0.9 × floor',
      (r) => r >= 0.9,
    ],
    [
      'p50 latency, concurrency 1',
      ratio(f['sdk@1'].p50Ms, f['floor@1'].p50Ms),
      '≤ 1.2 × floor',
      (r) => r <= 1.2,
    ],
    [
      'CPU per call vs the official SDK (c=32)',
      ratio(f['sdk@32'].cpuUsPerCall, f['official@32'].cpuUsPerCall),
      '≤ 0.25 ×',
      (r) => r <= 0.25,
    ],
    [
      'cold import vs undici + zod',
      ratio(result.imports.sdk, result.imports['undici+zod']),
      '≤ 1.10 ×',
      (r) => r <= 1.1,
    ],
    [
      'cold import vs the official SDK',
      ratio(result.imports.sdk, result.imports.official),
      '≤ 0.8 ×',
      (r) => r <= 0.8,
    ],
    ...OPERATIONS.filter((op) => f[`sdk:${op}@32`]).map((op) => [
      `${op}: client CPU per call vs undici.request, concurrency 32`,
      ratio(f[`sdk:${op}@32`].cpuUsPerCall, f[`floor:${op}@32`].cpuUsPerCall),
      '≤ 0.9 × floor',
      (r) => r <= 0.9,
    ]),
    ...(result.ab ?? []).flatMap((ab) => [
      [
        `${ab.operation}: CPU per call vs Pool.dispatch (in-process A/B${ab.processRatios?.length > 1 ? `, median of ${ab.processRatios.length} processes` : ''})`,
        1 / ab.ratioToFirst.dispatch,
        '≤ 1.10 ×',
        (r) => r <= 1.1,
      ],
      [
        `${ab.operation}: CPU per call vs Pool.dispatch + zod (in-process A/B)`,
        1 / ab.ratioToFirst['dispatch+zod'],
        '≤ 1.05 ×',
        (r) => r <= 1.05,
      ],
    ]),
    ...(result.pollLogin
      ? [
          [
            'poll login (flow, token request included) CPU vs its four raw exchanges (in-process A/B)',
            1 / result.pollLogin.ratioToFirst['poll-floor'],
            '≤ 1.15 ×',
            (r) => r <= 1.15,
          ],
        ]
      : []),
    ...(result.login
      ? [
          [
            'ping login (flow, delivery included) CPU vs its five raw exchanges (in-process A/B)',
            1 / result.login.ratioToFirst['login-floor'],
            '≤ 1.15 ×',
            (r) => r <= 1.15,
          ],
        ]
      : []),
    ...(result.instructions
      ? ['introspection', 'validate'].map((op) => [
          `${op}: instructions per call vs Pool.dispatch (cachegrind, median of ${result.instructions[`sdk:${op}`].counts.length} counts)`,
          instructionRatio(result.instructions, op),
          '≤ 1.10 ×',
          (r) => r <= 1.1,
        ])
      : []),
    ['packed tarball (KB)', result.tarballBytes / 1000, '≤ 90 KB', (v) => v <= 90],
    ...(heap === null ? [] : [['heap growth 10k → 100k calls (MB)', heap, '≤ 5 MB', (v) => v <= 5]]),
  ].map(([figure, value, target, ok]) => ({ figure, value, target, met: ok(value) }))
}

/** `op`'s instructions per call over the raw exchange's (`/auth/introspection`, the same request and answer). */
function instructionRatio(instructions, op) {
  return instructions[`sdk:${op}`].median / instructions['dispatch:introspection'].median
}

/** Growth in MB of `field` (heapUsed or rss) from the sample at a tenth of the calls to the last. */
function soakGrowth(soak, field = 'heapUsed') {
  if (!soak) return null
  const from = soak.samples.find((s) => s.calls >= soak.calls / 10)
  const to = soak.samples.at(-1)
  return from && to ? mb(to[field] - from[field]) : null
}

export function renderMarkdown(result) {
  const f = result.figures
  const lines = [
    `# Benchmark results`,
    '',
    `${result.date.slice(0, 10)} · ${result.machine.cores} cores (${result.machine.cpu}) · Node ${result.machine.node} · ` +
      `${result.settings.rounds} rounds × ${result.settings.calls} calls (c=32; half at c=1), medians over rounds` +
      (result.settings.smoke ? ' · **smoke run: too short to read targets from**' : ''),
    '',
    'Ratios are to the floor measured in the same run; absolute numbers are noise on a shared machine.',
    '',
    '## Targets',
    '',
    '| figure | this run | target | met |',
    '|---|---|---|---|',
    ...targets(result).map(
      (t) => `| ${t.figure} | ${fmt(t.value, 2)} | ${t.target} | ${t.met ? 'yes' : '**no**'} |`,
    ),
    '',
    '## Clients',
    '',
    '| client | concurrency | calls/s | × floor | CPU µs/call | × floor | p50 ms | × floor | p99 ms | × floor | RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ]
  for (const c of [1, 32]) {
    const floor = f[`floor@${c}`]
    for (const kind of Object.keys(NAMES)) {
      const x = f[`${kind}@${c}`]
      lines.push(
        `| ${NAMES[kind]} | ${c} | ${fmt(x.callsPerSecond, 0)} | ${fmt(x.callsPerSecond / floor.callsPerSecond, 2)} | ` +
          `${fmt(x.cpuUsPerCall)} | ${fmt(x.cpuUsPerCall / floor.cpuUsPerCall, 2)} | ${fmt(x.p50Ms, 3)} | ` +
          `${fmt(x.p50Ms / floor.p50Ms, 2)} | ${fmt(x.p99Ms, 3)} | ${fmt(x.p99Ms / floor.p99Ms, 2)} | ${fmt(mb(x.rssBytes))} |`,
      )
    }
  }
  const row = (op, key) => {
    const get = (kind) => f[`${kind}${key}@32`]
    const sdk = get('sdk')
    const cells = ['floor', 'dispatch', 'dispatch+zod'].map((kind) =>
      get(kind)
        ? `${fmt(get(kind).cpuUsPerCall)} (${fmt(sdk.cpuUsPerCall / get(kind).cpuUsPerCall, 2)})`
        : 'n/a',
    )
    return `| ${op} | ${fmt(sdk.cpuUsPerCall)} | ${cells.join(' | ')} |`
  }
  const measured = OPERATIONS.filter((op) => f[`sdk:${op}@32`])
  lines.push(
    '',
    '## Every operation: CPU µs per call at concurrency 32, separate processes',
    '',
    'Each floor in its own process, the same request and answer; in brackets the SDK as a multiple of it.',
    '',
    '| operation | authlete-ciba | undici.request + JSON.parse | Pool.dispatch + JSON.parse | Pool.dispatch + JSON.parse + zod |',
    '|---|---|---|---|---|',
    row('issue', ''),
    ...measured.map((op) => row(op, `:${op}`)),
  )
  if (result.ab?.length) {
    lines.push(
      '',
      '## Every operation: in-process A/B (concurrency 32, alternating batches in one process)',
      '',
      '| operation | batches × calls | authlete-ciba µs | Pool.dispatch µs | × | Pool.dispatch + zod µs | × | authlete-ciba, tracing subscribed, µs | × | × Pool.dispatch, each process |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...result.ab.map(
        (ab) =>
          `| ${ab.operation} | ${ab.batches} × ${ab.batch} | ${fmt(ab.cpuUsPerCall.sdk)} | ${fmt(ab.cpuUsPerCall.dispatch)} | ${fmt(1 / ab.ratioToFirst.dispatch, 2)} | ${fmt(ab.cpuUsPerCall['dispatch+zod'])} | ${fmt(1 / ab.ratioToFirst['dispatch+zod'], 2)} | ${fmt(ab.cpuUsPerCall['sdk+tracing'])} | ${fmt(ab.ratioToFirst['sdk+tracing'], 2)} | ${ab.processRatios?.length > 1 ? processRatios(ab) : '—'} |`,
      ),
      '',
      'A row with several processes is the process at the median of their ratios to Pool.dispatch.',
      '',
      'Tracing with no subscriber is one `Map` lookup and one `hasSubscribers` check per call: it is in',
      'every authlete-ciba figure above. The last columns show the cost with a (no-op) subscriber.',
    )
  }
  if (result.instructions) {
    const counts = result.instructions
    const kinds = [
      ['dispatch:introspection', 'Pool.dispatch + JSON.parse: the raw `/auth/introspection` exchange'],
      ['sdk:introspection', '`authlete.introspection`'],
      ['sdk:validate', '`validateAccessToken` (a Bearer token, one required scope)'],
    ]
    lines.push(
      '',
      '## Instructions per call (cachegrind: what the load does not move)',
      '',
      "The client process's instructions per call at concurrency 32: the difference between a run of",
      '10 000 calls and one of 30 000 under `valgrind --tool=cachegrind`, over 20 000. Each count is',
      "repeated; the median is the figure. A count moves by about ±2 % with the JIT's choices, and not",
      "with the machine's load, which moves the CPU-time ratios above by more than that.",
      '',
      '| client | instructions per call | × the raw exchange | each count |',
      '|---|---|---|---|',
      ...kinds.map(
        ([kind, name]) =>
          `| ${name} | ${fmt(counts[kind].median / 1000)} k | ${fmt(counts[kind].median / counts['dispatch:introspection'].median, 2)} | ${counts[kind].counts.map((c) => fmt(c / 1000)).join(', ')} |`,
      ),
    )
  }
  if (result.login) {
    const l = result.login
    lines.push(
      '',
      '## A whole login (in-process A/B, concurrency 32)',
      '',
      '`handleBackchannelAuthentication` (/backchannel/authentication, hooks, /issue) then `completeBackchannelAuthentication` (/complete, and the ping delivered on loopback), then `handleTokenRequest` (/auth/token), against the same five HTTP exchanges made with `Pool.dispatch` + `JSON.parse`.',
      '',
      "Each login A/B runs in several processes; the figure is the median process (its CPU figures shown), the last column every process's ratio.",
      '',
      '| batches × logins | flow CPU µs per login | raw exchanges µs | × | × per process |',
      '|---|---|---|---|---|',
      `| ${l.batches} × ${l.batch} | ${fmt(l.cpuUsPerCall.login)} | ${fmt(l.cpuUsPerCall['login-floor'])} | ${fmt(1 / l.ratioToFirst['login-floor'], 2)} | ${processRatios(l)} |`,
    )
    const p = result.pollLogin
    if (p) {
      lines.push(
        '',
        'The poll login: the same without a notification to deliver (/complete answers `NO_ACTION`), four exchanges.',
        '',
        '| batches × logins | flow CPU µs per login | raw exchanges µs | × | × per process |',
        '|---|---|---|---|---|',
        `| ${p.batches} × ${p.batch} | ${fmt(p.cpuUsPerCall.poll)} | ${fmt(p.cpuUsPerCall['poll-floor'])} | ${fmt(1 / p.ratioToFirst['poll-floor'], 2)} | ${processRatios(p)} |`,
      )
    }
  }
  lines.push(
    '',
    '## Cold import of the main entry (median ms, fresh process each)',
    '',
    '| import | ms | × undici + zod |',
    '|---|---|---|',
    ...Object.entries(result.imports).map(
      ([k, v]) =>
        `| ${k === 'sdk' ? 'authlete-ciba' : k === 'official' ? '@authlete/typescript-sdk' : 'undici + zod'} | ${fmt(v)} | ${fmt(v / result.imports['undici+zod'], 2)} |`,
    ),
    '',
    `Packed tarball: ${fmt(result.tarballBytes / 1000)} KB.`,
    '',
  )
  if (result.soak) {
    lines.push(
      `## Soak: ${result.soak.calls} calls through one client (concurrency ${result.soak.concurrency}, heap after GC)`,
      '',
    )
    lines.push('| calls | heap MB | RSS MB |', '|---|---|---|')
    for (const s of result.soak.samples)
      lines.push(`| ${s.calls} | ${fmt(mb(s.heapUsed), 2)} | ${fmt(mb(s.rss))} |`)
    lines.push(
      '',
      `Growth from ${result.soak.calls / 10} to ${result.soak.calls} calls: heap ${fmt(soakGrowth(result.soak), 2)} MB, ` +
        `RSS ${fmt(soakGrowth(result.soak, 'rss'), 2)} MB.`,
      '',
    )
  }
  return `${lines.join('\n')}\n`
}

const escapeXml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

/** Two panels of horizontal bars: CPU µs per call and calls per second, concurrency 32. */
export function renderSvg(result) {
  const kinds = Object.keys(NAMES)
  const panels = [
    {
      title: 'CPU µs per call (c=32, lower is better)',
      value: (k) => result.figures[`${k}@32`].cpuUsPerCall,
      digits: 1,
    },
    {
      title: 'calls per second (c=32, higher is better)',
      value: (k) => result.figures[`${k}@32`].callsPerSecond,
      digits: 0,
    },
  ]
  const width = 720
  const label = 270
  const bar = 22
  const gap = 8
  const panelHeight = 34 + kinds.length * (bar + gap)
  const colors = {
    floor: '#8c8c8c',
    dispatch: '#5f5f5f',
    'dispatch+zod': '#3f3f3f',
    sdk: '#2f7ed8',
    official: '#d8682f',
    fetch: '#6aa84f',
  }
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${panels.length * panelHeight + 30}" font-family="sans-serif" font-size="13">`,
    '<title>authlete-ciba benchmark: CPU per call and calls per second, concurrency 32</title>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="18" font-size="12" fill="#555">${escapeXml(`${result.date.slice(0, 10)} · ${result.machine.cores} cores · Node ${result.machine.node}${result.settings.smoke ? ' · smoke run' : ''}`)}</text>`,
  ]
  panels.forEach((panel, p) => {
    const top = 30 + p * panelHeight
    const max = Math.max(...kinds.map(panel.value))
    parts.push(`<text x="10" y="${top + 16}" font-weight="bold">${escapeXml(panel.title)}</text>`)
    kinds.forEach((kind, i) => {
      const y = top + 26 + i * (bar + gap)
      const v = panel.value(kind)
      const w = Math.max(1, ((width - label - 90) * v) / max)
      parts.push(
        `<text x="10" y="${y + 16}">${escapeXml(NAMES[kind])}</text>`,
        `<rect x="${label}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${colors[kind]}"/>`,
        `<text x="${(label + w + 6).toFixed(1)}" y="${y + 16}">${fmt(v, panel.digits)}</text>`,
      )
    })
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

/** Every process's ratio of a login A/B, in the order they ran. */
function processRatios(login) {
  return (login.processRatios ?? []).map((ratio) => ratio.toFixed(2)).join(', ')
}
