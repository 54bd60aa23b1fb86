/* The office's data files written as the office would write them: saving from the form changes only the lines of
   what was edited, and keeps the file's comments, its key order and its style (flow lists stay flow lists, a
   folded paragraph that was not edited stays folded). Decap's own YAML writer cannot: it makes the file again
   from the data, so every comment is lost (decap-cms-core/src/formats/yaml.ts writes only a field's `comment`
   option, and for a file collection not even that: selectFieldsComments looks the field up in the collection's
   `fields`, which a file collection does not have) and long lines are folded at 80 columns.

   How: the file as it is on disk is parsed with positions (the `yaml` 1.10 library, the one Decap reads and
   writes with, passed in as `YAML`), compared with the form's data, and each difference becomes a text edit:
   a changed value is replaced where it is written, a new key or list item is inserted as its own lines where the
   declaration puts it, a deleted one loses its lines. The result is parsed again and must give the form's data;
   if it does not (or the file cannot be parsed), the file is written whole from the data, in the same style, with
   its leading comments. Usable as a browser script (window.ShowcaseDataYaml) and as a CommonJS module (Node). */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) {
    module.exports = factory();
    // In Node (the tests): the same yaml 1.10 that Decap depends on, from the project's node_modules.
    module.exports.writeInNode = function (original, data, spec) {
      return module.exports.write(require('../../node_modules/decap-cms-core/node_modules/yaml'), original, data, spec);
    };
  } else root.ShowcaseDataYaml = factory();
}(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var has = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };
  function isMapping(value) { return value !== null && typeof value === 'object' && !Array.isArray(value); }
  function isScalar(value) { return value === null || typeof value !== 'object'; }

  function same(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) {
      return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every(function (item, i) { return same(item, b[i]); });
    }
    if (isMapping(a) || isMapping(b)) {
      if (!isMapping(a) || !isMapping(b)) return false;
      var keys = Object.keys(a);
      return keys.length === Object.keys(b).length && keys.every(function (key) { return has(b, key) && same(a[key], b[key]); });
    }
    return a === b;
  }

  // --- scalars, as yaml 1.10 writes them, never folded ----------------------------------------

  var ESCAPES = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' };

  function quoted(text) {
    return '"' + text.replace(/[\\"\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, function (char) {
      return ESCAPES[char] || '\\u' + ('0000' + char.charCodeAt(0).toString(16)).slice(-4);
    }) + '"';
  }

  function scalarText(YAML, value, flow) {
    if (value === null || value === undefined) return '';
    if (typeof value === 'boolean' || typeof value === 'number') return String(value);
    var text = String(value);
    if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(text)) return quoted(text);
    var plain = YAML.stringify(text).replace(/\n$/, '');
    if (/^["'|>]/.test(plain) || plain.indexOf('\n') !== -1) return quoted(text);
    if (flow && /[,[\]{}#]/.test(plain)) return quoted(text);
    return plain;
  }

  // --- whole values as lines (new keys and items, and a file written whole) -----------------------

  function fieldsOf(spec) { return (spec && spec.fields) || {}; }
  function childSpec(spec, key) { return spec && spec.type === 'map' ? spec.values : fieldsOf(spec)[key]; }

  function orderedKeys(value, spec) {
    var declared = Object.keys(fieldsOf(spec)).filter(function (key) { return has(value, key); });
    return declared.concat(Object.keys(value).filter(function (key) { return declared.indexOf(key) === -1; }));
  }

  // A list of ids (kinds, stages, yearbook keys) is written on one line, as the office's files write them.
  function flowList(value, spec) {
    var items = spec && spec.items;
    return value.every(function (item) { return typeof item === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(item); }) &&
      Boolean(items && (items.ref || items.choices || items.slug));
  }

  function flowText(YAML, value) {
    return '[' + value.map(function (item) { return scalarText(YAML, item, true); }).join(', ') + ']';
  }

  function spaces(count) { return new Array(count + 1).join(' '); }

  function pairLines(YAML, key, value, spec, indent) {
    var head = spaces(indent) + scalarText(YAML, key) + ':';
    if (isScalar(value)) return [head + (value === null ? '' : ' ' + scalarText(YAML, value))];
    if (Array.isArray(value)) {
      if (!value.length) return [head + ' []'];
      if (value.every(isScalar) && flowList(value, spec)) return [head + ' ' + flowText(YAML, value)];
      return [head].concat(itemLines(YAML, value, spec && spec.items, indent + 2));
    }
    if (!Object.keys(value).length) return [head + ' {}'];
    return [head].concat(mapLines(YAML, value, spec, indent + 2));
  }

  function mapLines(YAML, value, spec, indent) {
    var lines = [];
    orderedKeys(value, spec).forEach(function (key) {
      lines = lines.concat(pairLines(YAML, key, value[key], childSpec(spec, key), indent));
    });
    return lines;
  }

  function itemLines(YAML, items, spec, indent) {
    var lines = [];
    items.forEach(function (item) { lines = lines.concat(oneItem(YAML, item, spec, indent)); });
    return lines;
  }

  function oneItem(YAML, item, spec, indent) {
    var dash = spaces(indent) + '- ';
    if (isScalar(item)) return [dash + scalarText(YAML, item)];
    if (Array.isArray(item)) return [dash + flowText(YAML, item)];
    var lines = mapLines(YAML, item, spec, indent + 2);
    if (!lines.length) return [dash + '{}'];
    lines[0] = dash + lines[0].slice(indent + 2);
    return lines;
  }

  /* The comment lines a file starts with (its explanation), then the data in the declaration's order. */
  function serialize(YAML, data, spec, original) {
    var head = [];
    var lines = (original || '').split('\n');
    for (var i = 0; i < lines.length && /^\s*(#.*)?$/.test(lines[i]) && i < lines.length - 1; i++) head.push(lines[i]);
    while (head.length && !head[head.length - 1].trim()) head.pop();
    return head.concat(mapLines(YAML, data, spec, 0)).join('\n') + '\n';
  }

  // --- edits on the text as written ---------------------------------------------------------

  function Editor(YAML, text) { this.YAML = YAML; this.text = text; this.edits = []; }

  Editor.prototype.add = function (start, end, replacement) { this.edits.push({ start: start, end: end, text: replacement, order: this.edits.length }); };

  Editor.prototype.lineStart = function (position) { return this.text.lastIndexOf('\n', position - 1) + 1; };

  // The start of the line after the one where the value that ends at `position` ends.
  Editor.prototype.afterLine = function (position) {
    var end = position;
    while (end > 0 && /[\s]/.test(this.text[end - 1])) end--;
    var newline = this.text.indexOf('\n', end);
    return newline === -1 ? this.text.length : newline + 1;
  };

  Editor.prototype.column = function (position) { return position - this.lineStart(position); };

  Editor.prototype.insertLines = function (position, lines) {
    var before = position > 0 && this.text[position - 1] !== '\n' ? '\n' : '';
    this.add(position, position, before + lines.join('\n') + '\n');
  };

  // The edits, all at positions of the text as it was, applied in one pass (an insertion before a replacement
  // at the same place).
  Editor.prototype.result = function () {
    var text = this.text;
    var sorted = this.edits.slice().sort(function (a, b) {
      return a.start - b.start || (a.end - a.start) - (b.end - b.start) || a.order - b.order;
    });
    var out = '';
    var position = 0;
    sorted.forEach(function (edit) {
      if (edit.start < position) throw new Error('overlapping edits');
      out += text.slice(position, edit.start) + edit.text;
      position = edit.end;
    });
    return out + text.slice(position);
  };

  function nodeEnd(node) { return node && node.range ? node.range[1] : null; }

  // The lines of a key and its value.
  Editor.prototype.pairSpan = function (pair) {
    var end = nodeEnd(pair.value) || pair.key.range[1];
    return [this.lineStart(pair.key.range[0]), this.afterLine(end)];
  };

  Editor.prototype.itemSpan = function (node) { return [this.lineStart(node.range[0]), this.afterLine(node.range[1])]; };

  Editor.prototype.replacePair = function (pair, key, value, spec) {
    var span = this.pairSpan(pair);
    this.add(span[0], span[1], pairLines(this.YAML, key, value, spec, this.column(pair.key.range[0])).join('\n') + '\n');
  };

  // A new value for a key: in place when it keeps its kind, the whole key's lines again when it does not.
  Editor.prototype.value = function (pair, value, spec) {
    var node = pair.value;
    var key = String(pair.key.value);
    if (node && node.toJSON && same(node.toJSON(), value)) return;
    var YAML = this.YAML;
    if (node === null || node === undefined) {
      if (isScalar(value) && value !== null) {
        var colon = this.text.indexOf(':', pair.key.range[1]);
        this.add(colon + 1, colon + 1, ' ' + scalarText(YAML, value));
        return;
      }
      this.replacePair(pair, key, value, spec);
      return;
    }
    var type = node.type;
    if (/^(PLAIN|QUOTE_|BLOCK_)/.test(type || '')) {
      if (!isScalar(value) || value === null) { this.replacePair(pair, key, value, spec); return; }
      var block = /^BLOCK_/.test(type);
      // A value written in double quotes stays in double quotes (`id: "2021-2025"`).
      var written = type === 'QUOTE_DOUBLE' && typeof value === 'string' ? quoted(value) : scalarText(YAML, value);
      this.add(node.range[0], block ? this.afterLine(node.range[1]) - 1 : node.range[1], written);
      return;
    }
    if (type === 'FLOW_SEQ' && Array.isArray(value) && value.every(isScalar)) {
      this.add(node.range[0], node.range[1], flowText(YAML, value));
      return;
    }
    if (type === 'MAP' && isMapping(value) && Object.keys(value).length) { this.map(node, value, spec); return; }
    if (type === 'SEQ' && Array.isArray(value) && value.length) { this.sequence(node, value, spec); return; }
    this.replacePair(pair, key, value, spec);
  };

  Editor.prototype.map = function (node, value, spec) {
    var self = this;
    var pairs = node.items.filter(function (pair) { return pair && pair.key && pair.key.range; });
    var written = pairs.map(function (pair) { return String(pair.key.value); });
    var indent = pairs.length ? this.column(pairs[0].key.range[0]) : 0;
    pairs.forEach(function (pair) {
      var key = String(pair.key.value);
      if (!has(value, key)) {
        var span = self.pairSpan(pair);
        self.add(span[0], span[1], '');
      } else {
        self.value(pair, value[key], childSpec(spec, key));
      }
    });
    var order = orderedKeys(value, spec);
    order.forEach(function (key, index) {
      if (written.indexOf(key) !== -1) return;
      var lines = pairLines(self.YAML, key, value[key], childSpec(spec, key), indent);
      var before = null;
      for (var i = index - 1; i >= 0 && before === null; i--) {
        var at = written.indexOf(order[i]);
        if (at !== -1) before = pairs[at];
      }
      self.insertLines(before ? self.pairSpan(before)[1] : self.lineStart(pairs[0].key.range[0]), lines);
    });
  };

  // Old items matched to new ones: the longest run of equal items stays, the rest is edited pairwise.
  function alignment(old, items) {
    var rows = [];
    var i; var j;
    for (i = 0; i <= old.length; i++) { rows.push([]); for (j = 0; j <= items.length; j++) rows[i].push(0); }
    for (i = old.length - 1; i >= 0; i--) {
      for (j = items.length - 1; j >= 0; j--) {
        rows[i][j] = same(old[i], items[j]) ? rows[i + 1][j + 1] + 1 : Math.max(rows[i + 1][j], rows[i][j + 1]);
      }
    }
    var pairs = [];
    i = 0; j = 0;
    while (i < old.length && j < items.length) {
      if (same(old[i], items[j])) { pairs.push([i, j]); i++; j++; } else if (rows[i + 1][j] >= rows[i][j + 1]) i++; else j++;
    }
    return pairs;
  }

  Editor.prototype.sequence = function (node, items, spec) {
    var self = this;
    var nodes = node.items;
    if (!nodes.every(function (item) { return item && item.range; })) throw new Error('an empty list item');
    var old = nodes.map(function (item) { return item.toJSON(); });
    var first = this.lineStart(nodes[0].range[0]);
    var indent = this.text.slice(first).search(/\S/);  // where the dashes are
    var next = 0; var nextNew = 0;
    alignment(old, items).concat([[old.length, items.length]]).forEach(function (anchor) {
      var olds = []; var news = [];
      for (; next < anchor[0]; next++) olds.push(next);
      for (; nextNew < anchor[1]; nextNew++) news.push(nextNew);
      var paired = Math.min(olds.length, news.length);
      for (var k = 0; k < paired; k++) self.item(nodes[olds[k]], items[news[k]], spec && spec.items, indent);
      olds.slice(paired).forEach(function (index) { var span = self.itemSpan(nodes[index]); self.add(span[0], span[1], ''); });
      if (news.length > paired) {
        var after = paired ? olds[paired - 1] : olds.length ? olds[0] - 1 : anchor[0] - 1;
        var position = after >= 0 ? self.itemSpan(nodes[after])[1] : first;
        var lines = [];
        news.slice(paired).forEach(function (index) { lines = lines.concat(oneItem(self.YAML, items[index], spec && spec.items, indent)); });
        self.insertLines(position, lines);
      }
      next = anchor[0] + 1; nextNew = anchor[1] + 1;
    });
  };

  Editor.prototype.item = function (node, value, spec, indent) {
    if (same(node.toJSON(), value)) return;
    if (node.type === 'MAP' && isMapping(value) && Object.keys(value).length) { this.map(node, value, spec); return; }
    if (/^(PLAIN|QUOTE_)/.test(node.type || '') && isScalar(value) && value !== null) {
      this.add(node.range[0], node.range[1], scalarText(this.YAML, value));
      return;
    }
    var span = this.itemSpan(node);
    this.add(span[0], span[1], oneItem(this.YAML, value, spec, indent).join('\n') + '\n');
  };

  function parsed(YAML, text) {
    var doc = YAML.parseDocument(text);
    return doc.errors.length ? null : doc;
  }

  /* The text of a data file after the form's `data`, from its text as it was (`original`; '' for a new file):
     {text, whole} (whole: written again from the data, when the edits could not be made or checked). */
  function write(YAML, original, data, spec) {
    YAML.scalarOptions.str.fold.lineWidth = 0; // a line is never folded: a long value stays on its one line
    var doc = original ? parsed(YAML, original) : null;
    if (doc && doc.contents && doc.contents.type === 'MAP') {
      try {
        var editor = new Editor(YAML, original);
        editor.map(doc.contents, data, spec);
        var text = editor.result();
        var check = parsed(YAML, text);
        if (check && same(check.toJSON(), data)) return { text: text, whole: false };
      } catch (error) {
        if (typeof console !== 'undefined') console.warn('data-yaml: writing the file whole (' + error.message + ')');
      }
    }
    return { text: serialize(YAML, data, spec, original), whole: true };
  }

  /* A new file made from another one ("Sao chép" on a plan) without the other's own heading: the first paragraph
     of its leading comment, up to a line holding only "#" (the explanations after it, and those of the keys further
     down, stay). With no such line, the whole leading comment is the heading. */
  function withoutHeader(text) {
    var lines = text.split('\n');
    var first = 0;
    while (first < lines.length && /^\s*(#.*)?$/.test(lines[first])) first++;
    var separator = -1;
    for (var i = 0; i < first && separator === -1; i++) if (/^#\s*$/.test(lines[i])) separator = i;
    return lines.slice(separator === -1 ? first : separator + 1).join('\n');
  }

  return { write: write, serialize: serialize, scalarText: scalarText, same: same, withoutHeader: withoutHeader };
}));
