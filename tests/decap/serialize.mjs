// Decap CMS's own front-matter serializer (decap-cms-core/src/formats/yaml.ts: yaml 1.10, keys sorted in the
// form's order), for tests/test_frontmatter_yaml.py. Input on stdin: a JSON array of {data, order};
// output: a JSON array of the YAML texts, in the same order.
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(path.join(path.resolve(process.argv[2]), 'node_modules', 'decap-cms-core', 'package.json'))
const yaml = require('yaml')

function sortKeys(sortedKeys) {  // decap-cms-core/src/formats/helpers.ts
  return (a, b) => {
    const idxA = sortedKeys.indexOf(a.key?.toString())
    const idxB = sortedKeys.indexOf(b.key?.toString())
    if (idxA === -1 || idxB === -1) return 0
    return idxA > idxB ? 1 : idxA < idxB ? -1 : 0
  }
}

process.stdin.setEncoding('utf8')
let input = ''
for await (const chunk of process.stdin) input += chunk
const results = JSON.parse(input).map(({ data, order }) => {
  const contents = yaml.createNode(data)
  contents.items.sort(sortKeys(order))
  const doc = new yaml.Document()
  doc.contents = contents
  return doc.toString()
})
process.stdout.write(JSON.stringify(results))
