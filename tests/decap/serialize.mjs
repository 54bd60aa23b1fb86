// Decap CMS's own front-matter serializer, for tests/test_frontmatter_yaml.py: decap-cms-core/src/formats/yaml.ts
// (yaml 1.10, the top-level keys sorted with helpers.ts sortKeys in the form's order) and, when a case has a
// body, the whole file as frontmatter.ts FrontmatterFormatter.toFile writes it with gray-matter.
// Usage: node serialize.mjs <repository root> [--lines]. Input on stdin: a JSON array of {data, order[, body]};
// output: a JSON array of the texts, in the same order. With --lines, one such array a line, answered line by line.
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(path.join(path.resolve(process.argv[2]), 'node_modules', 'decap-cms-core', 'package.json'))
const yaml = require('yaml')
const matter = require('gray-matter')

function sortKeys(sortedKeys, selector) {  // decap-cms-core/src/formats/helpers.ts
  return (a, b) => {
    const idxA = sortedKeys.indexOf(selector(a))
    const idxB = sortedKeys.indexOf(selector(b))
    if (idxA === -1 || idxB === -1) return 0
    if (idxA > idxB) return 1
    if (idxA < idxB) return -1
    return 0
  }
}

function toFile(data, sortedKeys = []) {  // yaml.ts toFile (no comments: the profile form has none)
  const contents = yaml.createNode(data)
  contents.items.sort(sortKeys(sortedKeys, item => item.key?.toString()))
  const doc = new yaml.Document()
  doc.contents = contents
  return doc.toString()
}

function frontmatterToFile(data, sortedKeys) {  // frontmatter.ts FrontmatterFormatter.toFile for YAML
  const { body = '', ...meta } = data
  const trimLastLineBreak = body.slice(-1) !== '\n'
  const file = matter.stringify(body, meta, {
    engines: { yaml: { parse: () => ({}), stringify: (metadata, opts) => toFile(metadata, opts.sortedKeys) } },
    sortedKeys,
    language: 'yaml',
    delimiters: '---',
  })
  return trimLastLineBreak && file.slice(-1) === '\n' ? file.slice(0, -1) : file
}

const serialize = cases => cases.map(({ data, order, body }) =>
  body === undefined ? toFile(data, order) : frontmatterToFile({ ...data, body }, order))

if (process.argv[3] === '--lines') {
  // One batch a line, answered with one line, until stdin ends: a test keeps one process for all its batches.
  const readline = await import('node:readline')
  for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    process.stdout.write(JSON.stringify(serialize(JSON.parse(line))) + '\n')
  }
} else {
  process.stdin.setEncoding('utf8')
  let input = ''
  for await (const chunk of process.stdin) input += chunk
  process.stdout.write(JSON.stringify(serialize(JSON.parse(input))))
}
