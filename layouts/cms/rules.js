/* The checks `build.py check` makes on one profile, made by the form on the profile's data before it is saved.

   A port of showcase/source/validate.py (and of what it calls: the unsafe-content scan of markup.py, the
   invisible characters and folding of text.py, the aliases of aliases.py, Python's difflib and html.unescape),
   statement for statement, so that the same front matter gives the same diagnostics: the same codes with the
   same arguments, worded by messages.js from the same catalog. What it knows comes from rules.json
   (showcase/site/form_rules.py: the schema, the plans, units and personal-data rules of data/, the patterns).
   The codes it gives are rules.codes; the others need the file itself or the whole site and stay with check.
   tests/test_form_rules.py runs it in Node beside the validator on the fixtures and on generated profiles.

   Usable as a browser script (window.ShowcaseRules, after messages.js) and as a CommonJS module (Node). */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) module.exports = factory(require('./messages.js'));
  else root.ShowcaseRules = factory(root.ShowcaseMessages);
}(typeof self !== 'undefined' ? self : this, function (Messages) {
  'use strict';

  var fragment = Messages.fragment;
  var join = Messages.join;
  var strip = Messages.strip;

  // --- Python's text semantics --------------------------------------------------------------------------

  var PY_SPACE = /[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  var PY_SPACE_AT_START = new RegExp('^' + PY_SPACE.source);

  function splitWords(text) { return text.split(PY_SPACE).filter(function (part) { return part !== ''; }); }
  function textForm(text) { return splitWords(text).join(' '); }  // Python's " ".join(text.split())
  function lstrip(text) { return text.replace(PY_SPACE_AT_START, ''); }
  function codePoints(text) { return Array.from(text); }
  function isText(value) { return typeof value === 'string'; }
  function isList(value) { return Array.isArray(value); }
  function isMapping(value) { return value !== null && typeof value === 'object' && !Array.isArray(value); }
  function isInteger(value) { return typeof value === 'number' && Number.isInteger(value); }
  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }
  function entries(pairs) { var map = new Map(); pairs.forEach(function (pair) { map.set(pair[0], pair[1]); }); return map; }
  function keys(map) { return Array.from(map.keys()); }
  function regex(pattern, extra) { return new RegExp(pattern.source, pattern.flags + (extra || '')); }
  function hex4(code) { var text = code.toString(16).toUpperCase(); return 'U+' + ('0000' + text).slice(-Math.max(4, text.length)); }
  // Python compares texts by code point; JavaScript's < by UTF-16 unit.
  function compareText(a, b) {
    var x = codePoints(a), y = codePoints(b);
    for (var i = 0; i < Math.min(x.length, y.length); i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  }

  function Context(rules) {
    this.rules = rules;
    this.fields = entries(rules.fields.map(function (pair) { return [pair[0], spec(pair[1])]; }));
    this.aliases = {};
    Object.keys(rules.key_aliases).forEach(function (group) { this.aliases[group] = entries(rules.key_aliases[group]); }, this);
    this.plans = rules.plans.map(function (plan) {
      return {
        id: plan.id, start: plan.start, end: plan.end, kinds: entries(plan.kinds), fields: entries(plan.fields),
        general: plan.general_criteria, criteria: entries(plan.criteria), stages: entries(plan.stages),
        milestones: entries(plan.milestones),
      };
    });
    this.units = entries(rules.units.map(function (unit) { return [unit.id, unit]; }));
    this.requiresConsent = rules.personal_data.requires_consent;
    this.scopes = entries(rules.personal_data.scopes);
    this.fieldScopes = rules.personal_data.field_scopes;
    this.templateFields = entries(rules.template_texts.fields);
    this.templateBody = new Set(rules.template_texts.body);
    var patterns = {};
    Object.keys(rules.patterns).forEach(function (name) { patterns[name] = regex(rules.patterns[name]); });
    this.patterns = patterns;
    this.dateFormats = rules.date_formats.map(function (item) { return [regex(item[0]), item[1]]; });
    this.entities = rules.html.entities;
    this.invalidCharrefs = entries(rules.html.invalid_charrefs);
    this.invalidCodepoints = new Set(rules.html.invalid_codepoints);
    this.combining = rules.combining;
  }

  function spec(described) {
    var result = Object.assign({}, described);
    if (described.items) result.items = spec(described.items);
    if (described.fields) result.fields = entries(described.fields.map(function (pair) { return [pair[0], spec(pair[1])]; }));
    else result.fields = new Map();
    return result;
  }

  Context.prototype.isCombining = function (code) {
    var ranges = this.combining, low = 0, high = ranges.length - 1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (code < ranges[middle][0]) high = middle - 1;
      else if (code > ranges[middle][1]) low = middle + 1;
      else return true;
    }
    return false;
  };

  // text.fold: no tone or vowel marks, đ → d, lowercase.
  Context.prototype.fold = function (text) {
    var self = this;
    var stripped = codePoints(text.normalize('NFD')).filter(function (char) { return !self.isCombining(char.codePointAt(0)); }).join('');
    return stripped.replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
  };

  // validate._key_form: no accents, case, spaces, `_` or `-`.
  var ALPHANUMERIC = /^[\p{L}\p{N}]$/u;
  Context.prototype.keyForm = function (text) {
    return codePoints(this.fold(text)).filter(function (char) { return ALPHANUMERIC.test(char); }).join('');
  };

  // text.slug_example.
  Context.prototype.slugExample = function (text) {
    return this.fold(text).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  };

  // text.invisible_characters: the zero-width joiner inside an emoji sequence is kept.
  var SYMBOL = /^\p{So}$/u;
  function pictographic(char) {
    return SYMBOL.test(char) || char === '\ufe0f' || (char.codePointAt(0) >= 0x1f3fb && char.codePointAt(0) <= 0x1f3ff);
  }
  Context.prototype.invisibleCharacters = function (text) {
    var chars = codePoints(text), found = [], invisible = regex(this.patterns.invisible);
    chars.forEach(function (char, at) {
      if (!invisible.test(char)) return;
      if (char === '\u200d' && at > 0 && at < chars.length - 1 && pictographic(chars[at - 1]) && pictographic(chars[at + 1])) return;
      found.push(char);
    });
    return found;
  };

  // Python's html.unescape.
  var CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;
  Context.prototype.unescape = function (text) {
    if (text.indexOf('&') === -1) return text;
    var self = this;
    return text.replace(CHARREF, function (whole, reference) {
      if (reference[0] === '#') {
        var number = reference[1] === 'x' || reference[1] === 'X' ? parseInt(reference.slice(2).replace(/;$/, ''), 16)
          : parseInt(reference.slice(1).replace(/;$/, ''), 10);
        if (self.invalidCharrefs.has(number)) return self.invalidCharrefs.get(number);
        if ((number >= 0xd800 && number <= 0xdfff) || number > 0x10ffff) return '\ufffd';
        if (self.invalidCodepoints.has(number)) return '';
        return String.fromCodePoint(number);
      }
      if (has(self.entities, reference)) return self.entities[reference];
      for (var length = reference.length - 1; length > 1; length--) {
        if (has(self.entities, reference.slice(0, length))) return self.entities[reference.slice(0, length)] + reference.slice(length);
      }
      return '&' + reference;
    });
  };

  // --- difflib.get_close_matches -----------------------------------------------------------------------

  function SequenceMatcher(a, b) {
    this.a = codePoints(a);
    this.b = codePoints(b);
    var b2j = new Map();
    this.b.forEach(function (element, index) {
      if (!b2j.has(element)) b2j.set(element, []);
      b2j.get(element).push(index);
    });
    var n = this.b.length;
    if (n >= 200) {  // autojunk: the popular elements of b are left out of b2j
      var ntest = Math.floor(n / 100) + 1;
      Array.from(b2j.keys()).forEach(function (element) { if (b2j.get(element).length > ntest) b2j.delete(element); });
    }
    this.b2j = b2j;
  }

  SequenceMatcher.prototype.longest = function (alo, ahi, blo, bhi) {
    var a = this.a, b = this.b, besti = alo, bestj = blo, bestsize = 0, j2len = new Map();
    for (var i = alo; i < ahi; i++) {
      var next = new Map(), indices = this.b2j.get(a[i]) || [];
      for (var index = 0; index < indices.length; index++) {
        var j = indices[index];
        if (j < blo) continue;
        if (j >= bhi) break;
        var k = (j2len.get(j - 1) || 0) + 1;
        next.set(j, k);
        if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
      }
      j2len = next;
    }
    // no junk: only the extension over popular elements of difflib's four loops applies
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) { besti--; bestj--; bestsize++; }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return [besti, bestj, bestsize];
  };

  SequenceMatcher.prototype.matches = function () {
    var queue = [[0, this.a.length, 0, this.b.length]], total = 0;
    while (queue.length) {
      var range = queue.pop(), found = this.longest(range[0], range[1], range[2], range[3]);
      var i = found[0], j = found[1], k = found[2];
      if (k) {
        total += k;
        if (range[0] < i && range[2] < j) queue.push([range[0], i, range[2], j]);
        if (i + k < range[1] && j + k < range[3]) queue.push([i + k, range[1], j + k, range[3]]);
      }
    }
    return total;
  };

  function ratio(matches, length) { return length ? 2.0 * matches / length : 1.0; }

  SequenceMatcher.prototype.ratio = function () { return ratio(this.matches(), this.a.length + this.b.length); };

  SequenceMatcher.prototype.quickRatio = function () {
    var full = new Map(), available = new Map(), matches = 0;
    this.b.forEach(function (element) { full.set(element, (full.get(element) || 0) + 1); });
    this.a.forEach(function (element) {
      var count = available.has(element) ? available.get(element) : (full.get(element) || 0);
      available.set(element, count - 1);
      if (count > 0) matches++;
    });
    return ratio(matches, this.a.length + this.b.length);
  };

  SequenceMatcher.prototype.realQuickRatio = function () {
    return ratio(Math.min(this.a.length, this.b.length), this.a.length + this.b.length);
  };

  function closeMatches(word, possibilities, n, cutoff) {
    var result = [];
    possibilities.forEach(function (candidate) {
      var matcher = new SequenceMatcher(candidate, word);
      if (matcher.realQuickRatio() >= cutoff && matcher.quickRatio() >= cutoff) {
        var score = matcher.ratio();
        if (score >= cutoff) result.push([score, candidate]);
      }
    });
    result.sort(function (x, y) { return y[0] - x[0] || compareText(y[1], x[1]); });
    return result.slice(0, n).map(function (item) { return item[1]; });
  }

  // --- the unsafe-content scan (markup.scan_unsafe, unsafe_in_text) ---------------------------------------

  function all(pattern, text) {
    var found = [], global = regex(pattern, 'g'), match;
    while ((match = global.exec(text)) !== null) {
      found.push(match);
      if (match[0] === '') global.lastIndex++;
    }
    return found;
  }

  Context.prototype.maskCode = function (body) {
    var fence = this.patterns.fence, inFence = false;
    var lines = body.split('\n').map(function (line) {
      if (fence.test(lstrip(line))) { inFence = !inFence; return ' '.repeat(line.length); }
      return inFence ? ' '.repeat(line.length) : line;
    });
    return lines.join('\n').replace(regex(this.patterns.code_span, 'g'), function (whole) { return whole.replace(/[^\n]/g, ' '); });
  };

  // (code, line, column, args) for each unsafe construct of a Markdown text; lines and columns order them.
  Context.prototype.scanUnsafe = function (body) {
    var p = this.patterns, self = this;
    if (!p.may_be_unsafe.test(body)) return [];
    var findings = [];
    var masked = this.maskCode(body);
    var invisible = regex(p.invisible_in_url, 'g');
    masked.split('\n').forEach(function (line, number) {
      var decoded = line.indexOf('&') !== -1 || p.invisible_in_url.test(line) ? self.unescape(line).replace(invisible, '') : line;
      var direct = [].concat(all(p.bad_url, line), all(p.angle_url, line), all(p.reference, line));
      if (decoded !== line && !direct.length) {
        [].concat(all(p.bad_url, decoded), all(p.angle_url, decoded), all(p.reference, decoded)).forEach(function (match) {
          findings.push(['E022', number, 0, { what: fragment('unsafe.hidden_link', { scheme: match[1].toLowerCase() }) }]);
        });
      }
      direct.forEach(function (match) {
        findings.push(['E022', number, match.index + match[0].length - match[1].length,
          { what: fragment('unsafe.link', { scheme: match[1].toLowerCase() }) }]);
      });
    });
    var starts = [0];
    masked.replace(/\n/g, function (newline, at) { starts.push(at + 1); return newline; });
    all(p.tag, masked).forEach(function (match) {
      var closing = match[1], tag = match[2].toLowerCase(), attributes = match[3];
      if (attributes.slice(0, 1) === ':' || attributes.indexOf('@') !== -1) return;
      var lineIndex = 0;
      while (lineIndex + 1 < starts.length && starts[lineIndex + 1] <= match.index) lineIndex++;
      var column = match.index - starts[lineIndex];
      if (self.rules.tags.dangerous.indexOf(tag) !== -1) {
        if (!closing) findings.push(['E022', lineIndex, column, { what: fragment('unsafe.tag', { tag: tag }) }]);
        return;
      }
      var hiddenUrl = match[0].indexOf('\n') !== -1 ? p.bad_url.exec(self.unescape(attributes).replace(invisible, '')) : null;
      var event = p.event_attribute.exec(attributes);
      if (hiddenUrl) {
        findings.push(['E022', lineIndex, column, { what: fragment('unsafe.link', { scheme: hiddenUrl[1].toLowerCase() }) }]);
      } else if (event) {
        findings.push(['E022', lineIndex, column, { what: fragment('unsafe.event', { name: event[0].replace(/[= ]+$/, '').toLowerCase() }) }]);
      } else if (!closing && (self.rules.tags.allowed.indexOf(tag) === -1 || p.style_attribute.test(attributes))) {
        findings.push(['W003', lineIndex, column, { tag: tag }]);
      }
    });
    return findings.map(function (item, order) { return [item, order]; })
      .sort(function (x, y) { return x[0][1] - y[0][1] || x[0][2] - y[0][2] || x[1] - y[1]; })
      .map(function (pair) { return pair[0]; });
  };

  Context.prototype.unsafeInText = function (value) {
    var findings = this.scanUnsafe(value);
    for (var i = 0; i < findings.length; i++) if (findings[i][0] === 'E022') return findings[i][3].what;
    if (this.patterns.script_text.test(this.unescape(value))) return fragment('unsafe.link', { scheme: 'javascript:' });
    return null;
  };

  // --- reader.as_date ------------------------------------------------------------------------------------

  Context.prototype.asDate = function (value) {
    if (!isText(value)) return null;
    var text = strip(value);
    for (var i = 0; i < this.dateFormats.length; i++) {
      var match = this.dateFormats[i][0].exec(text), order = this.dateFormats[i][1];
      if (match) {
        var parts = match.slice(1);
        var year = parseInt(parts[order[0]], 10), month = parseInt(parts[order[1]], 10), day = parseInt(parts[order[2]], 10);
        var date = new Date(Date.UTC(2000, month - 1, day));
        date.setUTCFullYear(year);
        if (year < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
        return ('000' + year).slice(-4) + '-' + ('0' + month).slice(-2) + '-' + ('0' + day).slice(-2);
      }
    }
    return null;
  };

  // --- the checker (validate._ProfileChecker) ------------------------------------------------------------

  var TYPE_NAMES = { boolean: 'boolean', string: 'string' };
  function typeName(value) {
    if (value === null || value === undefined) return 'null';
    if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
    if (isList(value)) return 'list';
    if (isMapping(value)) return 'object';
    return TYPE_NAMES[typeof value] || 'other';
  }

  // A value as the form writes it into the file (yaml 1.10), the text `check` quotes back for a true/false,
  // a number or a null (validate._found): only such scalars reach this.
  function written(value) {
    if (value === true) return 'true';
    if (value === false) return 'false';
    return String(value);
  }

  function Checker(context, field) {
    this.context = context;
    this.found = [];
    this.field = field;
  }

  Checker.prototype.report = function (code, field, args) {
    this.found.push({ code: code, field: field, args: args || {} });
  };

  Checker.prototype.checkMapping = function (data, specs, where, group, field) {
    var values = {}, meant = new Set(), self = this;
    Object.keys(data).forEach(function (key) {
      var itemSpec = specs.get(key);
      var at = field || key;
      if (itemSpec === undefined) {
        meant.add(self.unknownKey(key, specs, where, group, new Set(Object.keys(data)), at));
        return;
      }
      var value = self.checkValue(key, data[key], itemSpec, at);
      if (value !== null && value !== undefined) values[key] = value;
    });
    specs.forEach(function (itemSpec, key) {
      if (itemSpec.required && !has(data, key) && !meant.has(key)) {
        var meaning = fragment(group === 'profile' ? 'meaning.' + key : 'meaning.' + group + '.' + key);
        self.report('E011', field || key, { key: key, meaning: meaning, where: where,
          example: itemSpec.example ? key + ': ' + itemSpec.example : key + ': ...' });
      }
    });
    return values;
  };

  Checker.prototype.meantKey = function (key, specs, group) {
    var context = this.context, form = context.keyForm(key), aliases = context.aliases[group] || new Map();
    var names = keys(specs);
    for (var i = 0; i < names.length; i++) {
      var name = names[i];
      var forms = (aliases.get(name) || []).map(function (alias) { return context.keyForm(alias); });
      if (form && (form === context.keyForm(name) || forms.indexOf(form) !== -1)) return name;
    }
    var close = closeMatches(strip(key).toLowerCase(), names, 1, 0.6);
    return close.length ? close[0] : '';
  };

  Checker.prototype.unknownKey = function (key, specs, where, group, present, field) {
    var meant = this.meantKey(key, specs, group), suggestion = '';
    if (meant && !present.has(meant)) {
      suggestion = fragment('suggest.rename_key', { key: meant, required: specs.get(meant).required ? fragment('note.required') : '' });
    } else if (meant) {
      suggestion = fragment('suggest.merge_key', { key: meant });
    }
    this.report('E010', field, { key: key, where: where, suggestion: suggestion,
      allowed: keys(specs).map(function (name) { return '`' + name + '`'; }).join(', ') });
    return meant;
  };

  Checker.prototype.wrongType = function (key, value, itemSpec, field) {
    var found = typeName(value), hint = fragment('hint.fix_type');
    if (['string', 'id', 'path', 'slug'].indexOf(itemSpec.type) !== -1 && ['boolean', 'integer', 'float', 'date', 'null'].indexOf(found) !== -1) {
      hint = found !== 'null' ? fragment('hint.quote_value', { key: key, value: written(value) })
        : fragment('hint.fill_value', { key: key, example: itemSpec.example || '...' });
    } else if (itemSpec.type === 'integer') {
      hint = fragment('hint.write_number', { key: key, example: itemSpec.example || 2023 });
    } else if (itemSpec.type === 'list') {
      hint = fragment('hint.write_list', { key: key });
      var parts = found === 'string' ? value.split(',').map(strip).filter(Boolean) : [];
      if (parts.length > 1 && itemSpec.items && itemSpec.items.type === 'id') {
        hint = join([hint, fragment('hint.flow_ids', { key: key, ids: parts.join(', ') })], 'sep.space');
      }
    } else if (itemSpec.type === 'boolean') {
      hint = fragment('hint.write_boolean', { key: key });
    } else if (itemSpec.type === 'object') {
      hint = fragment('hint.write_object', { fields: keys(itemSpec.fields).join(', ') });
    }
    var type = fragment('types.' + found), described;
    if (isText(value)) described = fragment('found.typed_text', { type: type, text: value });
    else if (isList(value) || isMapping(value)) described = type;
    else described = fragment('found.typed_value', { type: type, text: written(value) });
    this.report('E012', field, { key: key, expected: fragment('types.' + itemSpec.type), found: described, hint: hint });
    return null;
  };

  function isEmpty(value) {
    return value === null || value === undefined || value === '' || (isList(value) && value.length === 0);
  }

  Checker.prototype.checkValue = function (key, value, itemSpec, field) {
    var self = this;
    if (isEmpty(value)) {
      if (itemSpec.required) this.empty(key, itemSpec, field);
      return null;
    }
    var kind = itemSpec.type;
    if (kind === 'string' || kind === 'path' || kind === 'slug') {
      if (!isText(value)) return this.wrongType(key, value, itemSpec, field);
      return this.checkText(key, value, field);
    }
    if (kind === 'id') {
      if (itemSpec.many && isList(value)) {
        var items = value.filter(function (item) { return isText(item) || self.wrongType(key, item, itemSpec, field); });
        var kept = this.withoutRepeats(key, items, field).map(function (item) { return { value: strip(item), field: field }; });
        return kept.length ? kept : null;
      }
      if (!isText(value)) return this.wrongType(key, value, itemSpec, field);
      return itemSpec.many ? [{ value: strip(value), field: field }] : { value: strip(value), field: field };
    }
    if (kind === 'integer') return isInteger(value) ? value : this.wrongType(key, value, itemSpec, field);
    if (kind === 'boolean') return typeof value === 'boolean' ? value : this.wrongType(key, value, itemSpec, field);
    if (kind === 'date') {
      if (typeof value === 'boolean' || typeof value === 'number' || isList(value) || isMapping(value)) {
        return this.wrongType(key, value, itemSpec, field);
      }
      var date = this.context.asDate(value);
      if (date === null) this.report('E024', field, { value: strip(String(value)) });
      return date;
    }
    if (kind === 'list') {
      if (!isList(value)) return this.wrongType(key, value, itemSpec, field);
      var checked = [];
      this.withoutRepeats(key, value, field).forEach(function (item) {
        if (item === null || item === undefined || item === '') {
          self.report('E013', field, { key: key, hint: fragment('hint.fill_item') });
          return;
        }
        var result = self.checkValue(key, item, itemSpec.items, field);
        if (result !== null && result !== undefined) checked.push(result);
      });
      return checked;
    }
    if (kind === 'object') {
      if (!isMapping(value)) return this.wrongType(key, value, itemSpec, field);
      return this.checkMapping(value, itemSpec.fields, fragment('where.in_group', { key: key }), key, field);
    }
    return value;
  };

  Checker.prototype.withoutRepeats = function (key, items, field) {
    var first = new Map(), kept = [], self = this;
    items.forEach(function (item, index) {
      if (isText(item) && strip(item)) {
        var form = textForm(item);
        if (first.has(form)) {
          self.report('E045', field, { key: key, value: form, first_item: first.get(form) });
          return;
        }
        first.set(form, index + 1);
      }
      kept.push(item);
    });
    return kept;
  };

  Checker.prototype.checkText = function (key, value, field) {
    var invisible = Array.from(new Set(this.context.invisibleCharacters(value).map(function (char) { return hex4(char.codePointAt(0)); })));
    if (invisible.length) {
      this.report('E023', field, { key: key, chars: invisible.sort(compareText).join(', ') });
      return null;
    }
    value = strip(value);
    if (!value) {
      this.report('E013', field, { key: key, hint: fragment('hint.fill_text', { key: key }) });
      return null;
    }
    var unsafe = this.context.unsafeInText(value);
    if (unsafe) {
      this.report('E022', field, { what: fragment('unsafe.in_field', { what: unsafe, key: key }) });
      return null;
    }
    return value;
  };

  Checker.prototype.empty = function (key, itemSpec, field) {
    var hint;
    if (itemSpec.type === 'list') hint = fragment('hint.add_item', { key: key });
    else if (itemSpec.required) hint = fragment('hint.fill_value', { key: key, example: itemSpec.example || '...' });
    else hint = fragment('hint.fill_or_delete', { key: key });
    this.report('E013', field, { key: key, hint: hint });
  };

  Checker.prototype.checkId = function (checked, source, key, allowed, where, aliases) {
    if (!checked) return null;
    var value = checked.value, context = this.context;
    if (where === undefined) where = '';
    if (allowed.has(value)) return value;
    var folded = context.fold(value), form = context.keyForm(value), ids = keys(allowed);
    var byForm = ids.filter(function (item) { return context.keyForm(item) === form; });
    var byAlias = aliases && aliases.has(form) ? [aliases.get(form)] : [];
    var byLabel = ids.filter(function (item) { return context.fold(allowed.get(item)) === folded || context.keyForm(allowed.get(item)) === form; });
    var close = byForm.length ? byForm : byAlias.length ? byAlias : byLabel.length ? byLabel : closeMatches(value.toLowerCase(), ids, 3, 0.5);
    if (!close.length) {
      var foldedLabels = new Map();
      ids.forEach(function (item) { foldedLabels.set(context.fold(allowed.get(item)), item); });
      close = closeMatches(folded, keys(foldedLabels), 2, 0.6).map(function (match) { return foldedLabels.get(match); });
    }
    var suggestion = '';
    if (close.length) {
      suggestion = fragment('suggest.ids', { options: join(close.map(function (item) { return '`' + item + '` (' + allowed.get(item) + ')'; }), 'sep.or') });
    }
    var listed = ids.length <= 12 ? ids.map(function (item) { return '`' + item + '` (' + allowed.get(item) + ')'; }).join(', ')
      : ids.map(function (item) { return '`' + item + '`'; }).join(', ');
    this.report('E015', checked.field, { value: value, what: fragment('sources.' + source), where: where,
      suggestion: suggestion, allowed: fragment('allowed.for_key', { key: key, listed: listed }) });
    return null;
  };

  // --- the plan's ids ------------------------------------------------------------------------------------

  function planIds(plan, source) {
    if (source === 'criteria') {
      var criteria = new Map();
      plan.criteria.forEach(function (item, id) { criteria.set(id, item.text); });
      return criteria;
    }
    var items = { kinds: plan.kinds, fields: plan.fields, stages: plan.stages, milestones: plan.milestones }[source];
    var labels = new Map();
    items.forEach(function (item, id) { labels.set(id, typeof item === 'string' ? item : item.label); });
    return labels;
  }

  Context.prototype.allowedIds = function (source) {
    var found = new Map();
    if (source === 'units') { this.units.forEach(function (unit, id) { found.set(id, unit.name); }); return found; }
    if (source === 'consent_scopes') return new Map(this.scopes);
    this.plans.forEach(function (plan) { planIds(plan, source).forEach(function (label, id) { found.set(id, label); }); });
    return found;
  };

  Context.prototype.planForYear = function (year) {
    for (var i = 0; i < this.plans.length; i++) if (this.plans[i].start <= year && year <= this.plans[i].end) return this.plans[i];
    return null;
  };

  function applicableCriteria(plan, fieldId, kindId) {
    var fieldCriteria = [];
    plan.criteria.forEach(function (item, id) { if (item.field === fieldId && plan.fields.has(fieldId)) fieldCriteria.push(id); });
    return plan.general.concat(fieldCriteria).filter(function (id) { return plan.criteria.get(id).kinds.indexOf(kindId) !== -1; });
  }

  Checker.prototype.checkPlanId = function (checked, source, key, plan) {
    var where = plan ? fragment('where.of_plan', { plan: plan.id }) : '';
    var aliases = null, context = this.context;
    if (source === 'fields') {
      aliases = new Map();
      if (plan) plan.fields.forEach(function (item, id) { if (item.letter) aliases.set(context.keyForm(item.letter), id); });
    }
    return this.checkId(checked, source, key, plan ? planIds(plan, source) : context.allowedIds(source), where, aliases);
  };

  Checker.prototype.checkMilestone = function (checked, plan, year) {
    var id = this.checkPlanId(checked, 'milestones', 'nominated', plan);
    if (id && plan && isInteger(year)) {
      var milestone = plan.milestones.get(id);
      if (!(milestone.start <= year && year <= milestone.end)) {
        var allowed = [];
        plan.milestones.forEach(function (item, itemId) { if (item.start <= year && year <= item.end) allowed.push('`' + itemId + '`'); });
        this.report('E018', 'nominated', { milestone: milestone.label, start: milestone.start, end: milestone.end, year: year,
          allowed: allowed.length ? allowed.join(', ') : fragment('none.milestone') });
        return null;
      }
    }
    return id;
  };

  Checker.prototype.checkCriteria = function (values, plan, kind) {
    var accepted = [], self = this;
    var fieldId = values.field ? values.field.value : null;
    (values.criteria || []).forEach(function (item) {
      var id = self.checkPlanId(item, 'criteria', 'criteria', plan);
      if (!id || !plan) return;
      var criterion = plan.criteria.get(id);
      if (!plan.fields.has(fieldId) || !plan.kinds.has(kind)) { accepted.push(id); return; }
      var wrongField = criterion.field !== null && criterion.field !== fieldId;
      var wrongKind = criterion.kinds.indexOf(kind) === -1;
      if (wrongField || wrongKind) {
        var reason;
        if (wrongField) reason = fragment('reason.other_field', { field: plan.fields.get(criterion.field).label });
        else {
          reason = fragment('reason.other_kind', {
            kinds: criterion.kinds.map(function (k) { return plan.kinds.get(k).toLowerCase(); }).join(', '),
            kind: plan.kinds.get(kind).toLowerCase() });
        }
        self.report('E016', 'criteria', { value: id, label: criterion.text, reason: reason, field: plan.fields.get(fieldId).label,
          kind: plan.kinds.get(kind).toLowerCase(),
          allowed: applicableCriteria(plan, fieldId, kind).map(function (c) { return '`' + c + '`'; }).join(', ') });
        return;
      }
      accepted.push(id);
    });
    return Array.from(new Set(accepted));
  };

  // validate._check_photo without the disk: the path's form only (E021); the form's image field only
  // offers files that exist, and whether a file is a readable image is checked by `check` (E020, E027).
  function checkPhoto(checker, values) {
    var photo = values.photo;
    if (!photo) return null;
    var parts = photo.replace(/\\/g, '/').split('/');
    if (photo.replace(/\\/g, '/').charAt(0) === '/' || parts.indexOf('..') !== -1 || photo.split('/')[0].indexOf(':') !== -1) {
      checker.report('E021', 'photo', { path: photo });
      return null;
    }
    return photo;
  }

  Checker.prototype.checkConsent = function (front, values, photo, body, today) {
    var context = this.context, self = this;
    if (!has(front, 'consent')) {
      this.report('E028', 'consent', { what: fragment(photo ? 'consent.name_photo_details' : 'consent.name_details'),
        scopes: keys(context.scopes).join(', ') });
      return;
    }
    var consent = values.consent;
    if (!consent || !has(consent, 'scope') || !has(consent, 'date')) return;
    if (consent.date && consent.date > today) this.report('E044', 'consent', { date: consent.date, today: today });
    var granted = new Set(consent.scope);
    var published = { photo: photo, body: strip(body) };
    context.fieldScopes.forEach(function (pair) {
      var key = pair[0], scope = pair[1];
      var present = has(published, key) ? published[key] : values[key];
      if (!present || (isList(present) && !present.length) || granted.has(scope) || !context.scopes.has(scope)) return;
      self.report('E043', has(front, key) || key === 'body' ? key : 'consent', { key: key, scope: scope, label: context.scopes.get(scope) });
    });
  };

  Checker.prototype.checkAliases = function (front) {
    var value = front.aliases, context = this.context, self = this;
    if (!isList(value)) return;
    value.forEach(function (item) {
      if (!isText(item) || !strip(item) || context.unsafeInText(item)) return;
      var text = strip(item);
      if (!context.patterns.alias.test(text) || text.split('/').indexOf('..') !== -1) self.report('E042', 'aliases', { alias: text });
    });
  };

  Checker.prototype.checkSlug = function (values) {
    var explicit = values.slug;
    if (!explicit) return;
    if (!/^[a-z0-9-]*$/.test(explicit) || explicit.charAt(0) === '-' || explicit.slice(-1) === '-' || explicit.indexOf('--') !== -1) {
      this.report('E025', 'slug', { value: explicit, example: this.context.slugExample(explicit) || 'nguyen-van-a' });
    }
  };

  Checker.prototype.checkTemplateText = function (front, values, body) {
    var code = values.draft === true ? 'W005' : 'E046', context = this.context, self = this;
    context.templateFields.forEach(function (text, key) {
      if (!has(front, key)) return;
      var value = front[key];
      var items = isList(value) ? value : [value];
      items.forEach(function (item) {
        if (isText(item) && textForm(item) === textForm(text)) {
          self.report(code, key, { what: fragment(isList(value) ? 'template.item' : 'template.field', { key: key }),
            text: fragment('template.quoted', { text: strip(item) }), hint: fragment('hint.replace_' + key) });
        }
      });
    });
    var found = body.split('\n').filter(function (line) { return context.templateBody.has(textForm(line)); });
    if (found.length) {
      this.report(code, 'body', { what: fragment('template.body'), text: fragment('template.paragraphs', { count: found.length }),
        hint: fragment('hint.replace_body') });
    }
  };

  // --- one profile ---------------------------------------------------------------------------------------

  /* The diagnostics of one profile's data as the form holds it (the front matter's keys, and `body`), as
     check would give them for the file the form writes: [{code, field, args, severity}], `field` being the
     top-level key (or `body`) the diagnostic is about. `today`: the latest acceptable consent date (YYYY-MM-DD). */
  function validateProfile(context, data, today) {
    var checker = new Checker(context);
    var front = {};
    Object.keys(data).forEach(function (key) { if (key !== 'body') front[key] = data[key] === undefined ? null : data[key]; });
    var body = isText(data.body) ? data.body : '';
    var values = checker.checkMapping(front, context.fields, '', 'profile', null);
    var year = values.year;
    var plan = isInteger(year) ? context.planForYear(year) : null;
    if (isInteger(year) && plan === null) {
      checker.report('E014', 'year', { year: year, periods: join(context.plans.map(function (item) {
        return fragment('period.plan', { plan: item.id, start: item.start, end: item.end });
      })) });
    }
    var kind = checker.checkPlanId(values.kind, 'kinds', 'kind', plan);
    checker.checkPlanId(values.field, 'fields', 'field', plan);
    var unitId = checker.checkId(values.unit, 'units', 'unit', context.allowedIds('units'));
    if (unitId && isInteger(year)) {
      var unit = context.units.get(unitId);
      if (!((unit.from === null || year >= unit.from) && (unit.until === null || year <= unit.until))) {
        var active = unit.from && unit.until ? fragment('active.from_until', { start: unit.from, end: unit.until })
          : unit.from ? fragment('active.from', { start: unit.from }) : fragment('active.until', { end: unit.until });
        checker.report('E017', 'unit', { unit: unit.name, active: active, year: year });
      }
    }
    checker.checkPlanId(values.stage, 'stages', 'stage', plan);
    (values.nominated || []).forEach(function (item) { checker.checkMilestone(item, plan, year); });
    checker.checkCriteria(values, plan, kind);
    var consent = values.consent;
    if (consent && has(consent, 'scope')) {
      var scopeIds = context.allowedIds('consent_scopes');
      consent.scope = consent.scope.map(function (item) { return checker.checkId(item, 'consent_scopes', 'scope', scopeIds); })
        .filter(Boolean);
    }
    var photo = checkPhoto(checker, values);
    if (photo && !values.photo_alt) checker.report('E026', 'photo_alt');
    if (context.requiresConsent.indexOf(kind) !== -1) checker.checkConsent(front, values, photo, body, today);
    checker.checkAliases(front);
    checker.checkSlug(values);
    context.scanUnsafe(body).forEach(function (finding) { checker.report(finding[0], 'body', finding[3]); });
    checker.checkTemplateText(front, values, body);
    if (plan && !has(front, 'criteria')) {
      var field = values.field ? values.field.value : '';
      var example = applicableCriteria(plan, field, kind || '').slice(0, 2).join(', ');
      checker.report('W001', 'criteria', { example: example || 'chung-1' });
    }
    if (plan && !has(front, 'stage')) checker.report('W002', 'stage', { allowed: keys(plan.stages).join(', ') });
    return checker.found.map(function (item) {
      return { code: item.code, field: item.field, args: item.args, severity: item.code.charAt(0) === 'W' ? 'warning' : 'error' };
    });
  }

  /* The same, each with its words: [{code, field, severity, message, fix}]. */
  function describe(rules, catalog, data, today) {
    var context = rules instanceof Context ? rules : new Context(rules);
    return validateProfile(context, data, today).map(function (item) {
      var words = Messages.message(catalog, item.code, item.args);
      return { code: item.code, field: item.field, severity: item.severity, args: item.args, message: words.message, fix: words.fix };
    });
  }

  return { Context: Context, validateProfile: validateProfile, describe: describe, closeMatches: closeMatches };
}));
