/* The office's data files in the form (collections made by showcase/site/cms_data.py): read and written through a
   format of our own, so that a save changes only the edited lines and keeps the file's comments (data-yaml.js),
   and checked before anything is written, in the words of `build.py check` (data-rules.js on data-schema.json,
   worded by messages.js from messages.json), with the profiles a change would break (usage.json).
   An ES module (it imports the YAML library Decap reads with, yaml 1.10, copied to ./yaml/), imported by cms.js
   before it starts Decap, so its format is there before any data file is read; decap-cms.js, messages.js,
   data-rules.js and data-yaml.js are loaded before. Its save handler acts on the office's collections only:
   the profiles' collection has its own (cms.js). */
import { YAML } from './yaml/index.js';

const CMS = window.CMS;
const Rules = window.ShowcaseDataRules;
const Writer = window.ShowcaseDataYaml;
const Messages = window.ShowcaseMessages;
const FORMAT = 'yaml-van-phong';

let schema = null;
let usage = null;
let catalog = null;
const json = (name) => fetch(name).then((response) => response.json());
const loaded = Promise.all([json('data-schema.json'), json('usage.json'), json('messages.json')]).then((found) => {
  [schema, usage, catalog] = found;
});

const readTexts = []; // every data file's text as read: the base of a plan made by "Sao chép"
const prepared = new Map(); // the form's data (JSON) → the file's text, made by the save handler just before Decap writes

function isMapping(value) { return value !== null && typeof value === 'object' && !Array.isArray(value); }

// The form's data as the file holds it: texts in NFC, and an optional value left empty is no value at all
// (a cleared number field gives ''), so the key is not written.
function normalized(value, spec) {
  if (typeof value === 'string') return value.normalize('NFC');
  if (Array.isArray(value)) return value.map((item) => normalized(item, spec && spec.items));
  if (!isMapping(value)) return value;
  const result = {};
  Object.keys(value).forEach((key) => {
    const child = spec && (spec.type === 'map' ? spec.values : (spec.fields || {})[key]);
    const item = normalized(value[key], child);
    if ((item === '' || item === null || item === undefined) && !(child && child.required)) return;
    result[key] = item;
  });
  return result;
}

function guessKind(data) {
  if (isMapping(data) && 'units' in data) return 'units';
  if (isMapping(data) && 'department' in data) return 'site';
  if (isMapping(data) && ('requires_consent' in data || 'scopes' in data)) return 'personal_data';
  return 'plan';
}

CMS.registerCustomFormat(FORMAT, 'yaml', {
  fromFile(content) {
    readTexts.push(content);
    const doc = YAML.parseDocument(content);
    if (doc.errors.length) throw new Error(doc.errors.map((error) => error.message).join('\n'));
    return doc.toJSON() || {};
  },
  toFile(data) {
    const text = prepared.get(JSON.stringify(data));
    if (text !== undefined) return text;
    // Not a save (Decap keeps a copy of the draft in the browser): the data, whole, in the files' style.
    const spec = schema ? schema.files[guessKind(data)].root : null;
    return Writer.serialize(YAML, normalized(data, spec), spec, '');
  },
});

// Which declaration and which file an entry of the office's collections is.
function place(entry, data) {
  const collection = entry.get('collection');
  const known = schema.collections[collection];
  if (!known) return null;
  if (known.kind === 'plan') {
    const path = entry.get('path') || `${known.folder}/${data.id}.yaml`;
    return { kind: 'plan', file: path };
  }
  const file = known[entry.get('slug')];
  return file ? { kind: file.kind, file: file.file } : null;
}

// A new plan ("Sao chép"): written from the plan it is most like (the one it was copied from), without that
// plan's own heading comment; the explanations of the keys stay.
function baseOfNewPlan(data) {
  let best = '';
  let bestScore = -1;
  readTexts.forEach((text) => {
    let other;
    try { other = YAML.parse(text); } catch (error) { return; }
    if (!isMapping(other) || !isMapping(other.period)) return;
    const score = Object.keys(data).filter((key) => Writer.same(other[key], data[key])).length;
    if (score > bestScore) { best = text; bestScore = score; }
  });
  return best ? Writer.withoutHeader(best) : '';
}

function sentences(found) {
  return found.map((item) => {
    const worded = Messages.message(catalog, item.code, item.args);
    return `${worded.message} ${worded.fix}`.trim() + ` (${item.code})`;
  }).join(' — ');
}

CMS.registerEventListener({
  name: 'preSave',
  handler: async ({ entry }) => {
    await loaded;
    if (!schema.collections[entry.get('collection')]) return undefined; // the profiles: cms.js's handler
    const raw = entry.get('data').toJS();
    const where = place(entry, raw);
    if (!where) return undefined;
    const spec = schema.files[where.kind].root;
    const data = normalized(raw, spec);
    let found = Rules.checkData(schema, where.kind, data, schema.context, []);
    if (where.kind === 'plan') found = found.concat(Rules.checkPlanAmongOthers(data, where.file, schema.plans));
    if (!found.length) found = Rules.impact(usage, where.kind, data, where.file);
    if (found.length) {
      const refused = new Error(sentences(found));
      refused.name = ''; // Decap shows the error as text after "Không thể giữ lại mục:": no "Error:" before ours
      throw refused;
    }
    const base = entry.get('raw') || (where.kind === 'plan' ? baseOfNewPlan(data) : '');
    prepared.set(JSON.stringify(raw), Writer.write(YAML, base, data, spec).text);
    return undefined;
  },
});
