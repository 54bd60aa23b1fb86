// Runs the form's own scripts (layouts/cms/*.js) in Node for the Python tests: each line on stdin is a JSON
// call {module, function, args}; each answer a JSON line {result} or {error}. One process serves a test session.
'use strict'
const path = require('node:path')
const readline = require('node:readline')

const layouts = path.join(path.resolve(process.argv[2]), 'layouts', 'cms')
const modules = {}
function load(name) {
  if (!(name in modules)) modules[name] = require(path.join(layouts, `${name}.js`))
  return modules[name]
}

readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', line => {
  let answer
  try {
    const call = JSON.parse(line)
    answer = { result: load(call.module)[call.function](...call.args) }
  } catch (error) {
    answer = { error: String(error && error.stack || error) }
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
})
