/* Diagnostics put into words in the form exactly as `build.py check` does (showcase/common/diagnostics.py):
   the same catalog (showcase/messages/vi.yaml, copied to the form's folder as messages.json at build time),
   the same placeholders ({name}, nothing else, filled in one pass), the same fragments ({"$t": key, ...})
   and joins ({"$join": [...], "$sep": key}). tests/test_form_rules.py runs this file in Node beside the
   Python validator on the same profiles and compares the sentences.
   Usable as a browser script (window.ShowcaseMessages) and as a CommonJS module (Node). */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.ShowcaseMessages = factory();
}(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

  function fill(template, args) {
    return String(template).replace(PLACEHOLDER, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(args, name) ? text(args[name]) : whole;
    });
  }

  // Python's str() of what an argument can be: a text, an integer, or an already resolved fragment.
  function text(value) {
    if (value === null || value === undefined) return 'None';
    if (value === true) return 'True';
    if (value === false) return 'False';
    return String(value);
  }

  function fragment(key, args) {
    var value = { $t: key };
    Object.keys(args || {}).forEach(function (name) { value[name] = args[name]; });
    return value;
  }

  function join(items, separator) {
    return { $join: items, $sep: separator || 'sep.comma' };
  }

  function fragmentText(catalog, key) {
    if (Object.prototype.hasOwnProperty.call(catalog.fragments, key)) return catalog.fragments[key];
    var dot = key.indexOf('.');
    var section = key.slice(0, dot);
    var name = key.slice(dot + 1);
    if ((section === 'types' || section === 'sources') && catalog[section] &&
        Object.prototype.hasOwnProperty.call(catalog[section], name)) return String(catalog[section][name]);
    return '{' + key + '}';
  }

  function resolve(catalog, value) {
    if (value && typeof value === 'object' && !Array.isArray(value) && '$t' in value) {
      var args = {};
      Object.keys(value).forEach(function (name) { if (name !== '$t') args[name] = resolve(catalog, value[name]); });
      return fill(fragmentText(catalog, value.$t), args);
    }
    if (value && typeof value === 'object' && !Array.isArray(value) && '$join' in value) {
      var separator = fragmentText(catalog, value.$sep || 'sep.comma');
      return value.$join.map(function (item) { return text(resolve(catalog, item)); }).join(separator);
    }
    return value;
  }

  // Python's str.strip(): white space at both ends (str.isspace), not JavaScript's trim().
  var PY_SPACE = '[\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
  var STRIP = new RegExp('^' + PY_SPACE + '+|' + PY_SPACE + '+$', 'g');

  function strip(value) {
    return String(value).replace(STRIP, '');
  }

  /* {message, fix} of a diagnostic (its code and arguments) in the catalog's language. */
  function message(catalog, code, args) {
    var entry = catalog.codes[code];
    var resolved = {};
    Object.keys(args || {}).forEach(function (name) { resolved[name] = resolve(catalog, args[name]); });
    return { message: strip(fill(entry.message, resolved)), fix: strip(fill(entry.fix || '', resolved)) };
  }

  return { fill: fill, fragment: fragment, join: join, resolve: resolve, message: message, strip: strip };
}));
