// Decap CMS's own YAML reader (npm `yaml` 1.10 with its defaults, as decap-cms-core/src/formats/yaml.ts
// fromFile calls it), for tests/test_yaml12.py. Input on stdin: a JSON array of YAML texts; output: a JSON
// array with, for each, {type, text} of the value of its key `k` (JavaScript's typeof, and String(value)),
// or {error} when yaml refuses the text.
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(path.join(path.resolve(process.argv[2]), 'node_modules', 'decap-cms-core', 'package.json'))
const yaml = require('yaml')

process.stdin.setEncoding('utf8')
let input = ''
for await (const chunk of process.stdin) input += chunk
const answers = JSON.parse(input).map(text => {
  try {
    const value = yaml.parse(text).k
    return { type: value === null ? 'null' : typeof value, text: String(value) }
  } catch (error) {
    return { error: String(error.message) }
  }
})
process.stdout.write(JSON.stringify(answers))
