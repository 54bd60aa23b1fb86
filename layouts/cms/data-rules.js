/* The office's data files checked in the form before a save, by the rules `build.py check` applies to them:
   this file interprets the same declaration (showcase/common/data_schema.py, exported to the form's folder as
   data-schema.json) on the form's data and gives the same diagnostics ({code, args}, worded by messages.js from
   the same catalog). It also tells which existing profiles a change would make fail the check (usage.json, made
   at build time: published profiles by name, the others only counted). tests/test_data_forms.py runs it in Node
   beside the Python loader on the same files and compares codes, messages and fixes.
   Usable as a browser script (window.ShowcaseDataRules) and as a CommonJS module (Node). */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) module.exports = factory(require('./messages.js'));
  else root.ShowcaseDataRules = factory(root.ShowcaseMessages);
}(typeof self !== 'undefined' ? self : this, function (messages) {
  'use strict';

  var fragment = messages.fragment;
  var strip = messages.strip;
  var has = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };

  function isMapping(value) { return value !== null && typeof value === 'object' && !Array.isArray(value); }
  function isInteger(value) { return typeof value === 'number' && Number.isInteger(value); }

  // --- as data_schema.py words values ---------------------------------------------------------

  function typeName(value) {
    if (typeof value === 'boolean') return 'boolean';
    if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
    if (typeof value === 'string') return 'string';
    if (Array.isArray(value)) return 'list';
    if (value === null || value === undefined) return 'null';
    if (isMapping(value)) return 'object';
    return 'other';
  }

  function shown(value) {
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (value === null || value === undefined) return '';
    if (Array.isArray(value)) return fragment('found.list');
    if (isMapping(value)) return fragment('types.object');
    return String(value);
  }

  function found(value) {
    var kind = typeName(value);
    if (kind === 'list') return fragment('found.list');
    if (kind === 'object' || kind === 'null') return fragment('types.' + kind);
    return fragment('found.typed_value', { type: fragment('types.' + kind), text: shown(value) });
  }

  // Edit distance with transpositions, as data_schema.distance.
  function distance(first, second) {
    var rows = [];
    var i; var j;
    for (i = 0; i <= first.length; i++) {
      rows.push([]);
      for (j = 0; j <= second.length; j++) rows[i].push(i * j === 0 ? i + j : 0);
    }
    for (i = 1; i <= first.length; i++) {
      for (j = 1; j <= second.length; j++) {
        var cost = first[i - 1] !== second[j - 1] ? 1 : 0;
        rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && first[i - 1] === second[j - 2] && first[i - 2] === second[j - 1]) {
          rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
        }
      }
    }
    return rows[first.length][second.length];
  }

  function closest(word, options) {
    var best = ''; var bestDistance = null;
    options.forEach(function (option) {
      var gap = distance(word.toLowerCase(), option.toLowerCase());
      if (gap <= Math.max(1, Math.floor(option.length / 3)) && (bestDistance === null || gap < bestDistance)) {
        best = option; bestDistance = gap;
      }
    });
    return best;
  }

  function unique(items) { return items.filter(function (item, index) { return items.indexOf(item) === index; }); }
  function codeList(items) { return items.map(function (item) { return '`' + item + '`'; }).join(', '); }

  // --- the owner a message names (data_schema.Owner) --------------------------------------------

  function Owner(words, nth) { this.words = words; this.nth = nth || words; }

  Owner.prototype.subject = function (path) {
    if (!path.length) return this.words ? fragment('cfg.subject.whole', { owner: this.words }) : fragment('cfg.subject.file');
    var keys = path.filter(function (part) { return typeof part !== 'number'; }).map(String);
    var index = null;
    for (var i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'number') { index = path[i]; break; }
    var words = index !== null ? fragment('cfg.subject.item', { n: index + 1, key: keys.join('.') })
      : fragment('cfg.subject.key', { key: keys.join('.') });
    return this.words ? fragment('cfg.subject.of', { subject: words, owner: this.words }) : words;
  };

  function leafOf(path) {
    for (var i = path.length - 1; i >= 0; i--) if (typeof path[i] !== 'number') return String(path[i]);
    return '';
  }

  // --- the check of one file (data_schema.FileChecker) --------------------------------------

  function Checker(schema, file, context, skip) {
    this.schema = schema;
    this.file = file;
    this.context = context || null;
    this.skip = skip || [];
    this.problems = [];
    this.ids = {};
    this.idOrder = [];
    this.pending = [];
    this.years = [];
  }

  Checker.prototype.report = function (code, args) { this.problems.push({ code: code, args: args }); };

  Checker.prototype.keys = function (spec) { return codeList(Object.keys(spec.fields || {})); };

  Checker.prototype.example = function (spec, path) {
    return spec.example ? fragment('cfg.example', { key: leafOf(path), value: spec.example }) : '';
  };

  Checker.prototype.fill = function (spec, path) {
    if (spec.type === 'list') return fragment('cfg.fill.list', { key: leafOf(path) });
    return fragment('cfg.fill.value', { example: this.example(spec, path) });
  };

  Checker.prototype.wrongType = function (spec, value, owner, path) {
    var leaf = leafOf(path);
    var example = spec.example || (spec.type === 'integer' ? '2025' : '…');
    var hints = {
      integer: fragment('cfg.hint.number', { key: leaf, example: example }),
      text: fragment('cfg.hint.quote', { key: leaf, value: shown(value) }),
      list: fragment('cfg.hint.list', { key: leaf }),
      object: fragment('cfg.hint.object', { fields: this.keys(spec) }),
      map: fragment('cfg.hint.map', { key: leaf }),
      boolean: fragment('cfg.hint.boolean', { key: leaf }),
    };
    var hint = hints[spec.type];
    if (spec.type === 'text' && (Array.isArray(value) || isMapping(value))) hint = fragment('cfg.hint.fix_type');
    this.report('C007', { subject: owner.subject(path), expected: fragment('types.' + this.schema.expected[spec.type]),
      found: found(value), hint: hint });
    return null;
  };

  Checker.prototype.walk = function (spec, value, owner, path, top) {
    if (value === null || value === undefined) {
      if (spec.required) this.report('C019', { subject: owner.subject(path), how: this.fill(spec, path) });
      return null;
    }
    if (spec.type === 'object') {
      if (!isMapping(value)) return this.wrongType(spec, value, owner, path);
      return this.mapping(spec, value, owner, path, top);
    }
    if (spec.type === 'map') {
      if (!isMapping(value)) return this.wrongType(spec, value, owner, path);
      var mapped = {};
      var self = this;
      Object.keys(value).forEach(function (key) { mapped[key] = self.walk(spec.values, value[key], owner, path.concat([key])); });
      return mapped;
    }
    if (spec.type === 'list') {
      if (!Array.isArray(value)) return this.wrongType(spec, value, owner, path);
      return this.sequence(spec, value, owner, path);
    }
    if (spec.type === 'integer') {
      if (!isInteger(value)) return this.wrongType(spec, value, owner, path);
      var low = has(spec, 'minimum') ? spec.minimum : null;
      var high = has(spec, 'maximum') ? spec.maximum : null;
      if ((low !== null && value < low) || (high !== null && value > high)) {
        var bound = low !== null && high !== null ? fragment('cfg.bound.range', { minimum: low, maximum: high })
          : low !== null ? fragment('cfg.bound.min', { minimum: low }) : fragment('cfg.bound.max', { maximum: high });
        this.report('C012', { subject: owner.subject(path), value: value, bound: bound });
        return null;
      }
      if (spec.within) this.years.push({ year: value, subject: owner.subject(path) });
      return value;
    }
    if (spec.type === 'boolean') {
      if (typeof value !== 'boolean') return this.wrongType(spec, value, owner, path);
      return value;
    }
    if (typeof value !== 'string') return this.wrongType(spec, value, owner, path);
    return this.text(spec, value, owner, path);
  };

  Checker.prototype.text = function (spec, value, owner, path) {
    var patterns = this.schema.patterns;
    if (!strip(value)) {
      if (spec.required || spec.slug || spec.choices || spec.ref) {
        this.report('C019', { subject: owner.subject(path), how: this.fill(spec, path) });
        return null;
      }
      return value;
    }
    if (spec.slug && !matches(patterns.slug, value)) {
      this.report('C009', { subject: owner.subject(path), value: value, example: spec.example || '' });
      return null;
    }
    if (spec.choices && spec.choices.indexOf(value) === -1) {
      this.report('C011', { subject: owner.subject(path), value: value, allowed: codeList(spec.choices) });
      return null;
    }
    if (spec.check === 'base_url' && !matches(patterns.base_url, value)) {
      this.report('C018', { subject: owner.subject(path), value: value, problem: fragment('cfg.url.base'),
        fix: fragment('cfg.url.base_fix', { key: path[path.length - 1] }) });
      return null;
    }
    if (spec.ref) this.pending.push({ ref: spec.ref, value: value, subject: owner.subject(path) });
    return value;
  };

  Checker.prototype.mapping = function (spec, entries, owner, path, top) {
    var result = {};
    var self = this;
    var fields = spec.fields || {};
    Object.keys(entries).forEach(function (key) {
      if (top && self.skip.indexOf(key) !== -1) return;
      if (!has(fields, key)) {
        var meant = closest(key, Object.keys(fields).filter(function (name) { return !has(entries, name); }));
        self.report('C008', { subject: owner.subject(path.concat([key])),
          suggestion: meant ? fragment('cfg.suggest.key', { key: meant }) : '', allowed: self.keys(spec) });
        return;
      }
      result[key] = self.walk(fields[key], entries[key], owner, path.concat([key]));
    });
    Object.keys(fields).forEach(function (key) {
      var child = fields[key];
      if (child.required && !has(entries, key) && !(top && self.skip.indexOf(key) !== -1)) {
        self.report('C006', { subject: owner.subject(path.concat([key])), key: key,
          expected: fragment('types.' + self.schema.expected[child.type]), example: self.example(child, [key]) });
      }
    });
    if (spec.order) {
      var first = spec.order[0]; var second = spec.order[1];
      if (isInteger(result[first]) && isInteger(result[second]) && result[second] < result[first]) {
        this.report('C014', { subject: owner.subject(path.concat([second])), end: result[second], start_key: first,
          start: result[first] });
        result[second] = null;
      }
    }
    return result;
  };

  Checker.prototype.sequence = function (spec, items, owner, path) {
    var self = this;
    if (spec.nonempty && !items.length) this.report('C019', { subject: owner.subject(path), how: this.fill(spec, path) });
    var result = [];
    var seen = {};
    items.forEach(function (item, index) {
      if (spec.items.type === 'object' && spec.noun) {
        result.push(self.item(spec, item, index, owner));
        return;
      }
      var value = self.walk(spec.items, item, owner, path.concat([index]));
      if (spec.unique && typeof value === 'string') {
        if (has(seen, value)) {
          self.report('C020', { subject: owner.subject(path), value: value, first: seen[value] + 1, n: index + 1 });
          return;
        }
        seen[value] = index;
      }
      result.push(value);
    });
    if (spec.check === 'frame_sources') {
      frameSourceProblems(this.schema, items).forEach(function (problem) {
        self.report('C018', { subject: owner.subject(path.concat([problem.index])), value: items[problem.index],
          problem: problem.problem, fix: fragment('cfg.url.frame_fix', { key: path[path.length - 1] }) });
      });
    }
    return result;
  };

  Checker.prototype.item = function (spec, item, index, owner) {
    var noun = fragment('cfg.noun.' + spec.noun);
    var parent = owner.words;
    var byPlace = fragment('cfg.owner.nth', { noun: noun, n: index + 1,
      parent: parent ? fragment('cfg.owner.parent', { owner: parent }) : '' });
    var itemId = isMapping(item) && typeof item.id === 'string' ? item.id : '';
    var words = matches(this.schema.patterns.slug, itemId) ? fragment('cfg.owner.item', { noun: noun, id: itemId }) : byPlace;
    var value = this.walk(spec.items, item, new Owner(words, byPlace), []);
    if (isMapping(value) && typeof value.id === 'string') {
      if (!has(this.ids, spec.noun)) { this.ids[spec.noun] = []; this.idOrder.push(spec.noun); }
      this.ids[spec.noun].push({ id: value.id, byPlace: byPlace });
    }
    return value;
  };

  Checker.prototype.finish = function (data) {
    var self = this;
    this.idOrder.forEach(function (noun) {
      var first = {};
      self.ids[noun].forEach(function (entry) {
        if (has(first, entry.id)) self.report('C010', { id: entry.id, item: entry.byPlace, first: first[entry.id] });
        else first[entry.id] = entry.byPlace;
      });
    });
    this.pending.forEach(function (pending) {
      var colon = pending.ref.lastIndexOf(':');
      var noun = pending.ref.slice(colon + 1);
      var known; var where;
      if (colon !== -1) {
        if (!self.context || !has(self.context, pending.ref)) return;
        known = Object.keys(self.context[pending.ref]);
        where = fragment('cfg.ref.plans');
      } else {
        known = (self.ids[noun] || []).map(function (entry) { return entry.id; });
        where = fragment('cfg.ref.file', { key: has(self.schema.lists, noun) ? self.schema.lists[noun] : noun });
      }
      if (known.indexOf(pending.value) === -1) {
        var meant = closest(pending.value, known);
        self.report('C013', { subject: pending.subject, value: pending.value, what: fragment('cfg.noun.' + noun), where: where,
          suggestion: meant ? fragment('cfg.suggest.id', { id: meant }) : '',
          allowed: codeList(unique(known)) || fragment('cfg.none') });
      }
    });
    var period = isMapping(data.period) ? data.period : {};
    if (isInteger(period.start) && isInteger(period.end)) {
      this.years.forEach(function (entry) {
        if (entry.year < period.start || entry.year > period.end) {
          self.report('C015', { subject: entry.subject, value: entry.year, start: period.start, end: period.end });
        }
      });
    }
  };

  function matches(pattern, text) {
    // Python's re.fullmatch: the whole text, and `$` is not allowed to stop before a final line break.
    var match = new RegExp(pattern).exec(text);
    return Boolean(match) && match.index === 0 && match[0].length === text.length;
  }

  function frameSourceProblems(schema, sources) {
    var texts = sources.filter(function (item) { return typeof item === 'string'; });
    var problems = [];
    sources.forEach(function (item, index) {
      if (typeof item !== 'string') return;
      var text = strip(item);
      if (schema.frame_keywords.indexOf(text) === -1 && !matches(schema.patterns.frame_origin, text)) {
        problems.push({ index: index, problem: fragment('cfg.url.frame') });
      } else if (text === "'none'" && texts.length > 1) {
        problems.push({ index: index, problem: fragment('cfg.url.frame_none') });
      }
    });
    return problems;
  }

  /* The diagnostics of one data file's data ({code, args} each), as `build.py check` gives them for the file.
     `kind`: site | units | personal_data | plan; `context`: the ids of every plan ({"plans:kind": {...}, ...}),
     `skip`: top-level keys to leave alone. */
  function checkData(schema, kind, data, context, skip) {
    var declared = schema.files[kind];
    var checker = new Checker(schema, kind, context, skip);
    if (!isMapping(data)) {
      checker.report('C007', { subject: fragment('cfg.subject.file'), expected: fragment('types.object'), found: found(data),
        hint: fragment('cfg.hint.object', { fields: checker.keys(declared.root) }) });
      return checker.problems;
    }
    var name = typeof data.id === 'string' ? data.id : '';
    var owner = new Owner(declared.owner === 'plan' && name ? fragment('cfg.owner.plan', { id: name }) : null);
    var value = checker.walk(declared.root, data, owner, [], true);
    checker.finish(isMapping(value) ? value : {});
    return checker.problems;
  }

  /* A plan against the other plan files (as the loader compares every plan file): its id, its period. `others`:
     [{file, id, start, end}] of the other plans; `file`: this plan's path. */
  function checkPlanAmongOthers(data, file, others) {
    var problems = [];
    if (!isMapping(data) || !isMapping(data.period)) return problems;
    var start = data.period.start; var end = data.period.end;
    others.forEach(function (other) {
      if (other.file === file) return;
      if (data.id === other.id) {
        problems.push({ code: 'C010', args: { id: data.id, item: fragment('cfg.owner.file', { file: file }),
          first: fragment('cfg.owner.file', { file: other.file }) } });
      }
      if (isInteger(start) && isInteger(end) && start <= end && start <= other.end && other.start <= end) {
        problems.push({ code: 'C016', args: { plan: data.id, start: start, end: end, other: other.id, other_start: other.start,
          other_end: other.end, other_file: other.file } });
      }
    });
    return problems;
  }

  // --- what a change does to the profiles (C021) ---------------------------------------------

  /* The project as the profiles' checks see it, from the data files' data: units, plans, consent rules. */
  function projectPart(kind, data, file) {
    if (kind === 'units') {
      return { units: (data.units || []).map(function (unit) {
        return { id: unit.id, from: isInteger(unit.from) ? unit.from : null, until: isInteger(unit.until) ? unit.until : null };
      }) };
    }
    if (kind === 'personal_data') {
      return { personal: { requires_consent: data.requires_consent || [],
        scopes: (data.scopes || []).map(function (scope) { return scope.id; }) } };
    }
    if (kind !== 'plan') return {};
    var criteria = {};
    var general = data.general_criteria || {};
    (general.criteria || []).forEach(function (item) { criteria[item.id] = { field: null, kinds: item.kinds || [] }; });
    (data.fields || []).forEach(function (field) {
      (field.criteria || []).forEach(function (item) { criteria[item.id] = { field: field.id, kinds: item.kinds || [] }; });
    });
    var milestones = {};
    (data.milestones || []).forEach(function (item) {
      milestones[item.id] = { start: (item.covers || {}).start, end: (item.covers || {}).end };
    });
    var ids = function (items) { return (items || []).map(function (item) { return item.id; }); };
    return { plan: { file: file, id: data.id, start: (data.period || {}).start, end: (data.period || {}).end,
      kinds: ids(data.kinds), fields: ids(data.fields), stages: ids(data.stages), criteria: criteria, milestones: milestones } };
  }

  function withChange(project, kind, data, file) {
    var part = projectPart(kind, data, file);
    var changed = { units: project.units, personal: project.personal, plans: project.plans.slice() };
    if (part.units) changed.units = part.units;
    if (part.personal) changed.personal = part.personal;
    if (part.plan) {
      changed.plans = changed.plans.filter(function (plan) { return plan.file !== file; });
      changed.plans.push(part.plan);
    }
    changed.plans.sort(function (a, b) { return a.start - b.start; });
    return changed;
  }

  // The data-dependent rules of source/validate.py, on one profile's record: [{code, category, id}].
  function profileProblems(project, record) {
    var found = [];
    var add = function (code, category, id) { found.push({ code: code, category: category, id: id }); };
    var year = record.year;
    var plan = null;
    project.plans.forEach(function (item) { if (!plan && item.start <= year && year <= item.end) plan = item; });
    if (!plan) add('E014', 'period', null);
    var unit = null;
    project.units.forEach(function (item) { if (item.id === record.unit) unit = item; });
    if (!unit) add('E015', 'ids', record.unit);
    else if ((unit.from !== null && year < unit.from) || (unit.until !== null && year > unit.until)) add('E017', 'unit_years', record.unit);
    if (plan) {
      if (plan.kinds.indexOf(record.kind) === -1) add('E015', 'ids', record.kind);
      if (plan.fields.indexOf(record.field) === -1) add('E015', 'ids', record.field);
      if (record.stage && plan.stages.indexOf(record.stage) === -1) add('E015', 'ids', record.stage);
      (record.nominated || []).forEach(function (id) {
        var milestone = plan.milestones[id];
        if (!milestone) add('E015', 'ids', id);
        else if (!(milestone.start <= year && year <= milestone.end)) add('E018', 'covers', id);
      });
      (record.criteria || []).forEach(function (id) {
        var criterion = plan.criteria[id];
        if (!criterion) { add('E015', 'ids', id); return; }
        if (plan.fields.indexOf(record.field) === -1 || plan.kinds.indexOf(record.kind) === -1) return;
        if (criterion.field !== null && criterion.field !== record.field) add('E016', 'criterion_kinds', id);
        else if (criterion.kinds.indexOf(record.kind) === -1) add('E016', 'criterion_kinds', id);
      });
    }
    (record.scopes || []).forEach(function (id) {
      if (project.personal.scopes.indexOf(id) === -1) add('E015', 'consent', id);
    });
    if (project.personal.requires_consent.indexOf(record.kind) !== -1 && !record.consent) add('E028', 'consent', null);
    return found;
  }

  var CHANGE = { ids: 'cfg.change.ids', unit_years: 'cfg.change.unit_years', covers: 'cfg.change.covers',
    period: 'cfg.change.period', criterion_kinds: 'cfg.change.criterion_kinds', consent: 'cfg.change.consent' };
  var HOW = { ids: 'cfg.how.ids', unit_years: 'cfg.how.years', covers: 'cfg.how.years', period: 'cfg.how.years' };
  var NAMED = 5;

  /* The profiles that `check` would fail after this change: one C021 for each kind of change, naming up to five
     published profiles (the others counted). `usage`: usage.json ({project, profiles}). */
  function impact(usage, kind, data, file) {
    var project = withChange(usage.project, kind, data, file);
    var groups = {};
    var order = [];
    usage.profiles.forEach(function (record) {
      var seen = {};
      profileProblems(project, record).forEach(function (problem) {
        if (!has(groups, problem.category)) { groups[problem.category] = { codes: [], ids: [], named: [], others: 0 }; order.push(problem.category); }
        var group = groups[problem.category];
        if (group.codes.indexOf(problem.code) === -1) group.codes.push(problem.code);
        if (problem.id !== null && group.ids.indexOf(problem.id) === -1) group.ids.push(problem.id);
        if (has(seen, problem.category)) return;
        seen[problem.category] = true;
        if (record.name) group.named.push(record);
        else group.others += record.count || 1;
      });
    });
    var plan = kind === 'plan' ? data.id : '';
    return Object.keys(CHANGE).filter(function (category) { return has(groups, category); }).map(function (category) {
      var group = groups[category];
      var names = group.named.slice(0, NAMED).map(function (record) {
        return messages.fragment('cfg.change.profile', { name: record.name, year: record.year });
      });
      var listed = messages.join(names);
      if (group.named.length > NAMED) listed = fragment('cfg.change.more', { names: listed, rest: group.named.length - NAMED });
      var profiles = !group.named.length ? fragment('cfg.change.only_others', { count: group.others })
        : group.others ? fragment('cfg.change.others', { names: listed, count: group.others })
          : fragment('cfg.change.named', { names: listed });
      var ids = codeList(group.ids.slice().sort());
      var change = fragment(CHANGE[category], { ids: ids, units: ids, milestones: ids, criteria: ids, plan: plan });
      return { code: 'C021', args: { change: change, count: group.named.length + group.others,
        codes: group.codes.slice().sort().join(', '), profiles: profiles, how: fragment(HOW[category] || 'cfg.how.other') } };
    });
  }

  return { checkData: checkData, checkPlanAmongOthers: checkPlanAmongOthers, impact: impact, distance: distance,
    closest: closest, profileProblems: profileProblems, withChange: withChange };
}));
