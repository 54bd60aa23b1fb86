// Resolve netlify.toml and parse the generated _headers/_redirects with Netlify's own libraries,
// offline, and print what they understood as JSON (the pytest test asserts every rule on it).
// Usage: node tests/netlify/inspect.mjs <repository root> <output folder> [URL path ...]
// For each URL path, `matches` lists the header rules whose pattern (Netlify's own regexp) matches it.
import { resolveConfig } from '@netlify/config'
import { parseAllHeaders } from '@netlify/headers-parser'
import { parseAllRedirects } from '@netlify/redirect-parser'
import path from 'node:path'

const [root, out, ...probes] = process.argv.slice(2)
const configPath = path.join(root, 'netlify.toml')
const contexts = {}
for (const context of ['production', 'deploy-preview', 'branch-deploy']) {
  const { config } = await resolveConfig({
    config: configPath, repositoryRoot: root, cwd: root, context, branch: context === 'production' ? 'main' : 'feature',
    offline: true, mode: 'cli', buffer: true,
  })
  contexts[context] = {
    command: config.build.command, publish: config.build.publish, environment: config.build.environment,
    plugins: (config.plugins || []).map(({ package: name, inputs }) => ({ package: name, inputs })),
  }
}
const headers = await parseAllHeaders({ headersFiles: [path.join(out, '_headers')], netlifyConfigPath: configPath, minimal: false })
const matches = Object.fromEntries(probes.map((probe) => [probe, headers.headers
  .filter(({ forRegExp }) => forRegExp.test(probe)).map((rule) => ({ for: rule.for, values: rule.values }))]))
const redirects = await parseAllRedirects({ redirectsFiles: [path.join(out, '_redirects')], netlifyConfigPath: configPath, minimal: true })
process.stdout.write(JSON.stringify({
  contexts,
  headers: headers.headers.map((rule) => ({ for: rule.for, values: rule.values })), matches, headerErrors: headers.errors.map(String),
  redirects: redirects.redirects, redirectErrors: redirects.errors.map(String),
}, null, 1))
