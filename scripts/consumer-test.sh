#!/usr/bin/env bash
# Installs the packed tarball into a temporary project and runs test/consumer/ there with vitest,
# through the public entry points only. Usage: scripts/consumer-test.sh TARBALL [JSON_REPORT]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tarball="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
report="${2:-}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

version() { node -p "require('$root/node_modules/$1/package.json').version"; }
cat > "$dir/package.json" <<JSON
{
  "name": "authlete-ciba-consumer",
  "private": true,
  "type": "module",
  "devDependencies": {
    "authlete-ciba": "file:$tarball",
    "msw": "$(version msw)",
    "vitest": "$(version vitest)",
    "typescript": "$(version typescript)",
    "@types/node": "$(version @types/node)",
    "express": "5.3.0",
    "@types/express": "5.0.6"
  },
  "overrides": { "vite": "$(version vite)" }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "compilerOptions": {
    "target": "ES2023", "lib": ["ES2024", "ESNext.Disposable", "DOM"], "module": "NodeNext",
    "moduleResolution": "NodeNext", "types": ["node"], "strict": true, "noEmit": true, "skipLibCheck": true
  },
  "include": ["consumer.test.ts"]
}
JSON
cp "$root/test/consumer/consumer.test.ts" "$dir/"
cd "$dir"
npm install --no-audit --no-fund --loglevel=error >/dev/null
echo "type check of the consumer test against the tarball's types"
npx tsc -p .
args=(run --root "$dir")
[ -n "$report" ] && args+=(--reporter=default --reporter=json --outputFile="$report")
npx vitest "${args[@]}"
