/* The editors' form (Decap CMS): check's rules where the editor looks, and a preview that looks like the
   published profile page.

   A profile's diagnostics come from rules.js (check's single-profile rules, with rules.json's data and
   messages.json's words: showcase/site/cms.py makes both from what `build.py check` reads). They are shown
   under the field each is about as the editor types (every widget of the profile's top-level fields is
   wrapped), listed in the preview pane, and a save or a publication with an error is refused with the list
   (preSave, prePublish: a refused save writes nothing, no file and no branch). Loaded after decap-cms.js
   (window.CMS, window.h, window.createClass), messages.js and rules.js. */
(function () {
  'use strict';
  var CMS = window.CMS;
  var h = window.h;
  var script = document.currentScript;
  var COLLECTION = 'ho-so';
  var rules = null;
  var words = null;
  var context = null;
  function json(name) { return fetch(name).then(function (response) { return response.json(); }); }
  var loaded = Promise.all([json('rules.json'), json('messages.json')]).then(function (found) {
    rules = found[0];
    words = found[1];
    context = new window.ShowcaseRules.Context(rules);
  });

  // Decap's Vietnamese phrases lack these (it would show them in English); registered before the form starts.
  var MISSING_PHRASES = {
    collection: {
      collectionTop: { viewAsList: 'Xem dạng danh sách', viewAsGrid: 'Xem dạng lưới', groupBy: 'Nhóm theo', viewAs: 'Xem dạng' },
      entries: { unpublishedHeader: 'Chưa công bố' },
      groups: { other: 'Khác', negateLabel: 'Không phải %{label}' },
    },
    editor: {
      editorControl: { field: { widgetLabel: 'Ô %{widgetLabel}' } },
      editorInterface: { togglePreview: 'Bật/tắt xem trước', toggleScrollSync: 'Cuộn cùng lúc', toggleNotes: 'Bật/tắt ghi chú' },
      editorNotesPane: {
        title: 'Ghi chú', emptyState: 'Chưa có ghi chú nào. Thêm ghi chú đầu tiên ở dưới để trao đổi.', addNote: 'Thêm ghi chú',
        addPlaceholder: 'Thêm một ghi chú...', editPlaceholder: 'Sửa ghi chú...', save: 'Lưu', cancel: 'Hủy', edit: 'Sửa',
        delete: 'Xóa', resolve: 'Đã xử lý', unresolve: 'Chưa xử lý', confirmDelete: 'Xóa ghi chú này?',
        shortcut: 'Mẹo: nhấn Ctrl+Enter để thêm ghi chú nhanh',
      },
      editorToolbar: {
        statusInfoTooltipDraft: 'Hồ sơ đang là bản nháp. Khi viết xong, chuyển trạng thái sang “Đang chờ duyệt” để văn phòng xem xét.',
        statusInfoTooltipInReview: 'Hồ sơ đang được xem xét; không cần làm gì thêm, nhưng vẫn có thể sửa tiếp.',
      },
      editorWidgets: {
        markdown: {
          bold: 'Đậm', italic: 'Nghiêng', strikethrough: 'Gạch ngang', code: 'Mã', link: 'Liên kết', linkPrompt: 'Nhập địa chỉ của liên kết',
          headings: 'Tiêu đề', quote: 'Trích dẫn', bulletedList: 'Danh sách dấu chấm', numberedList: 'Danh sách đánh số',
          addComponent: 'Thêm thành phần', toggleMode: { rich: 'Chuyển sang soạn thảo thường', markdown: 'Chuyển sang Markdown' },
        },
        image: { chooseMultiple: 'Chọn ảnh', chooseUrl: 'Chèn từ địa chỉ', replaceUrl: 'Thay bằng địa chỉ', promptUrl: 'Nhập địa chỉ của ảnh',
          addMore: 'Thêm ảnh', removeAll: 'Xóa mọi ảnh' },
        file: { chooseUrl: 'Chèn từ địa chỉ', chooseMultiple: 'Chọn tệp', replaceUrl: 'Thay bằng địa chỉ', promptUrl: 'Nhập địa chỉ của tệp',
          addMore: 'Thêm tệp', removeAll: 'Xóa mọi tệp' },
        datetime: { setToNow: 'Đặt %{fieldLabel} là hôm nay' },
        list: { add: 'Thêm %{item}', addType: 'Thêm %{item}' },
        object: { expand: 'Mở rộng', collapse: 'Thu gọn' },
      },
    },
    mediaLibrary: {
      mediaLibraryCard: { copy: 'Chép', copyUrl: 'Chép địa chỉ', copyPath: 'Chép đường dẫn', copyName: 'Chép tên', copied: 'Đã chép' },
      mediaLibraryModal: { close: 'Đóng' },
    },
    ui: {
      settingsDropdown: { account: 'Tài khoản' },
      toast: {
        noteAdded: 'Đã thêm ghi chú', onFailToAddNote: 'Không thêm được ghi chú: %{details}', noteUpdated: 'Đã sửa ghi chú',
        onFailToUpdateNote: 'Không sửa được ghi chú: %{details}', noteDeleted: 'Đã xóa ghi chú',
        onFailToDeleteNote: 'Không xóa được ghi chú: %{details}', noteResolved: 'Ghi chú đã xử lý', noteReopened: 'Ghi chú mở lại',
        onFailToToggleNote: 'Không đổi được trạng thái ghi chú: %{details}',
      },
    },
  };

  function filled(phrases, missing) {
    Object.keys(missing).forEach(function (key) {
      if (typeof missing[key] === 'object') phrases[key] = filled(Object.assign({}, phrases[key] || {}), missing[key]);
      else if (!(key in phrases)) phrases[key] = missing[key];
    });
    return phrases;
  }

  // Decap's Vietnamese phrases that read wrong here: its "＋" is a box in fonts without the full-width plus
  // sign, "View as" is English, a new entry that has not been saved is not "changes saved", and the
  // workflow's status is "Trạng thái" (Decap's is cut short to "Trạng").
  var CORRECTED_PHRASES = {
    collection: { collectionTop: { newButton: 'Thêm %{collectionLabel}', viewAs: 'Xem dạng' } },
    editor: { editorToolbar: { changesSaved: 'Không có thay đổi nào chưa lưu', status: 'Trạng thái: %{status}' } },
  };

  function corrected(phrases, changes) {
    Object.keys(changes).forEach(function (key) {
      if (typeof changes[key] === 'object') phrases[key] = corrected(Object.assign({}, phrases[key] || {}), changes[key]);
      else phrases[key] = changes[key];
    });
    return phrases;
  }

  CMS.registerLocale('vi', corrected(filled(Object.assign({}, CMS.getLocale('vi')), MISSING_PHRASES), CORRECTED_PHRASES));

  if (script && script.dataset.siteStylesheet) CMS.registerPreviewStyle(script.dataset.siteStylesheet);
  CMS.registerPreviewStyle('cms.css');

  // --- check's rules on the profile as it is being edited ------------------------------------------------

  function normalized(value) {
    if (typeof value === 'string') return value.normalize('NFC');
    if (value && typeof value.map === 'function' && typeof value.toJS === 'function') return value.map(normalized);
    return value;
  }

  function isBlank(value) {
    if (value === undefined || value === null) return true;
    if (typeof value === 'string') return value.trim() === '';
    if (typeof value.size === 'number') return value.size === 0 || value.every(isBlank);
    return false;
  }

  // What the form writes: NFC text, as check reads it; a group of fields left entirely empty (a consent
  // record opened and cleared) is not written, as if it had never been opened.
  function written(data) {
    var result = normalized(data);
    result.forEach(function (value, key) {
      if (value && typeof value.every === 'function' && typeof value.keySeq === 'function' && isBlank(value)) result = result.delete(key);
    });
    return result;
  }

  function today() {
    var now = new Date();
    return now.getFullYear() + '-' + ('0' + (now.getMonth() + 1)).slice(-2) + '-' + ('0' + now.getDate()).slice(-2);
  }

  var checked = new WeakMap();  // entry data (immutable) → its diagnostics: once per version of the profile

  function diagnosticsOf(data) {
    if (!context || !data) return [];
    if (!checked.has(data)) checked.set(data, window.ShowcaseRules.describe(context, words, written(data).toJS(), today()));
    return checked.get(data);
  }

  function errorsOf(data) {
    return diagnosticsOf(data).filter(function (item) { return item.severity === 'error'; });
  }

  function line(item) {
    var severity = words.words[item.severity];
    return window.ShowcaseMessages.fill(words.words.form_item,
      { severity: severity.charAt(0).toUpperCase() + severity.slice(1), code: item.code, message: item.message });
  }

  function refusal(errors) {
    return window.ShowcaseMessages.fill(words.words.form_refused,
      { count: errors.length, list: errors.map(function (item, index) { return '(' + (index + 1) + ') ' + line(item); }).join(' ') });
  }

  // Refused with the list before anything is written: Decap shows "Không thể giữ lại mục: …" (a save) or
  // "Không thể công bố: …" (a publication, also from the workflow board, which runs no field validation).
  ['preSave', 'prePublish'].forEach(function (name) {
    CMS.registerEventListener({
      name: name,
      handler: function (event) {
        if (event.entry.get('collection') !== COLLECTION) return undefined;
        return loaded.then(function () {
          var data = event.entry.get('data');
          var errors = errorsOf(data);
          if (errors.length) {
            var refused = new Error(refusal(errors));
            refused.name = '';  // Decap's toast shows String(error): the sentence alone, not "Error: …"
            throw refused;
          }
          return name === 'preSave' ? written(data) : undefined;
        });
      },
    });
  });

  // The catalog writes keys and values between backticks, as Markdown does: shown as code.
  function withCode(text) {
    return text.split(/`([^`]+)`/).map(function (part, index) { return index % 2 ? h('code', { key: index }, part) : part; });
  }

  function checkList(found) {
    var fix = words.words.fix.charAt(0).toUpperCase() + words.words.fix.slice(1);
    return h('ul', { className: 'showcase-checks' },
      found.map(function (item, index) {
        return h('li', { key: index, className: 'showcase-check showcase-check-' + item.severity },
          h('span', { className: 'showcase-check-message' }, withCode(line(item))),
          item.fix ? h('span', { className: 'showcase-check-fix' }, fix + ': ', withCode(item.fix)) : null);
      }));
  }

  // The top-level fields of the profile form, and where a diagnostic about no field of it goes (an unknown
  // key of a hand-written file, E010): under the first field.
  function fieldOf(item) {
    var names = rules.fields.map(function (pair) { return pair[0]; }).concat(['body']);
    return names.indexOf(item.field) !== -1 ? item.field : names[0];
  }

  function currentData(props) {
    var entry = props.getEntry ? props.getEntry() : props.entry;
    return entry && entry.get('data');
  }

  function fieldDiagnostics(props) {
    var collection = props.collection, field = props.field;
    if (!context || !collection || collection.get('name') !== COLLECTION || !field || (props.parentIds && props.parentIds.length)) return [];
    var name = field.get('name');
    return diagnosticsOf(currentData(props)).filter(function (item) { return fieldOf(item) === name; });
  }

  function signature(found) { return found.map(function (item) { return item.code + item.message; }).join('\n'); }

  // Decap re-renders a field only when its own value changes, and a profile's diagnostics depend on the
  // other fields too (a year and a milestone, a kind and a consent): after any change, every field's
  // wrapper reads the profile again and redraws if its diagnostics changed.
  var mounted = new Set();
  var pending = false;
  function changed() {
    if (pending) return;
    pending = true;
    setTimeout(function () {
      pending = false;
      mounted.forEach(function (control) { control.refresh(); });
    }, 0);
  }

  /* A built-in widget with its field's diagnostics under it. Everything else is the widget's own: its ref
     methods (isValid, validate, getValidateValue, focus) and its shouldComponentUpdate are passed through,
     so Decap validates and renders it as before; the wrapper redraws when the diagnostics change. */
  function withChecks(name) {
    var widget = CMS.getWidget(name);
    if (!widget) return;
    var Control = widget.control;
    var Checked = window.createClass({
      displayName: 'Checked' + name.charAt(0).toUpperCase() + name.slice(1),
      componentDidMount: function () { mounted.add(this); },
      componentWillUnmount: function () { mounted.delete(this); },
      setInner: function (ref) { this.inner = ref; },
      onChange: function () { var result = this.props.onChange.apply(null, arguments); changed(); return result; },
      onChangeObject: function () { var result = this.props.onChangeObject.apply(null, arguments); changed(); return result; },
      refresh: function () { if (signature(fieldDiagnostics(this.props)) !== this.shown) this.forceUpdate(); },
      isValid: function () { return this.inner && this.inner.isValid ? this.inner.isValid() : true; },
      validate: function () { return this.inner && this.inner.validate ? this.inner.validate() : this.props.validate(); },
      getValidateValue: function () { return this.inner && this.inner.getValidateValue ? this.inner.getValidateValue() : undefined; },
      focus: function (path) {
        if (this.inner && this.inner.focus) return this.inner.focus(path);
        var element = document.getElementById(this.props.forID);
        return element && element.focus();
      },
      shouldComponentUpdate: function (next) {
        var inner = this.inner;
        var changedProps = inner && inner.shouldComponentUpdate ? inner.shouldComponentUpdate(next) :
          this.props.value !== next.value || this.props.classNameWrapper !== next.classNameWrapper ||
          this.props.hasActiveStyle !== next.hasActiveStyle;
        return changedProps || signature(fieldDiagnostics(next)) !== this.shown;
      },
      render: function () {
        var found = fieldDiagnostics(this.props);
        this.shown = signature(found);
        var props = Object.assign({}, this.props, { ref: this.setInner, onChange: this.onChange });
        if (this.props.onChangeObject) props.onChangeObject = this.onChangeObject;
        // `nominated: so-ket-2023` (one id, as hand-written files and check allow) in a select of several:
        // Decap shows nothing for a text, as if the profile were not nominated; shown as the one item it is
        // (the data is unchanged, so an untouched field is written back as it was).
        if (name === 'select' && this.props.field.get('multiple') && typeof this.props.value === 'string') {
          props.value = [this.props.value];
        }
        return h('div', { className: 'showcase-checked' },
          h(Control, props),
          h('div', { 'aria-live': 'polite' }, found.length ? checkList(found) : null));
      },
    });
    var registered = Object.assign({}, widget, { name: name, controlComponent: Checked, previewComponent: widget.preview });
    delete registered.control;
    delete registered.preview;
    CMS.registerWidget(registered);
  }

  ['string', 'text', 'number', 'boolean', 'datetime', 'select', 'image', 'list', 'object', 'markdown'].forEach(withChecks);

  // --- preview: the profile page's own markup and classes, styled by the site's stylesheet -----------

  function label(group, id) {
    return (rules && rules.labels[group] && rules.labels[group][id]) || id || '';
  }

  function ProfilePreview(props) {
    var data = props.entry.get('data');
    var text = function (key) { var value = data.get(key); return value === undefined || value === null ? '' : String(value); };
    var list = function (key) { var value = data.get(key); return value && value.toJS ? value.toJS() : []; };
    var photo = text('photo');
    var achievements = list('achievements').filter(function (item) { return typeof item === 'string' && item.trim(); });
    var awards = list('awards');
    var found = diagnosticsOf(data);
    return h('div', { className: 'cms-preview' },
      words ? h('section', { className: 'cms-preview-checks', 'aria-label': words.words.form_checks },
        h('h2', {}, words.words.form_checks),
        found.length ? checkList(found) : h('p', {}, words.words.form_no_problems)) : null,
      h('article', { className: 'profile' },
        h('header', { className: 'profile-head' },
          photo ? h('img', { src: props.getAsset(photo).toString(), alt: text('photo_alt'), className: 'profile-photo' }) : null,
          h('div', { className: 'profile-heading' },
            h('p', { className: 'profile-kind' }, label('kinds', text('kind')), text('stage') ? ' · ' + label('stages', text('stage')) : ''),
            h('h1', {}, text('name') || 'Họ và tên / Tên tập thể'),
            text('position') ? h('p', { className: 'profile-position' }, text('position')) : null,
            data.get('draft') ? h('p', { className: 'tag tag-draft cms-preview-draft' }, 'Bản nháp') : null)),
        text('summary') ? h('p', { className: 'lead' }, text('summary')) : null,
        h('dl', { className: 'facts' },
          h('div', {}, h('dt', {}, 'Loại điển hình'), h('dd', {}, label('kinds', text('kind')))),
          h('div', {}, h('dt', {}, 'Đơn vị'), h('dd', {}, label('units', text('unit')))),
          h('div', {}, h('dt', {}, 'Lĩnh vực'), h('dd', {}, label('fields', text('field')))),
          h('div', {}, h('dt', {}, 'Năm'), h('dd', {}, text('year')))),
        h('section', {},
          h('h2', {}, 'Thành tích tiêu biểu'),
          h('ul', { className: 'achievements' }, achievements.map(function (item, index) { return h('li', { key: index }, item); }))),
        awards.length ? h('section', {},
          h('h2', {}, 'Khen thưởng'),
          h('ul', { className: 'awards' }, awards.map(function (award, index) {
            return h('li', { key: index }, h('strong', {}, award.title || ''),
              award.decision || award.issuer ? h('span', { className: 'award-ref' }, ' — Quyết định ' + (award.decision || '') + (award.issuer ? ' của ' + award.issuer : '')) : null);
          }))) : null,
        h('section', { className: 'prose story' },
          h('h2', {}, 'Câu chuyện điển hình'),
          props.widgetFor('body'))));
  }

  CMS.registerPreviewTemplate(COLLECTION, ProfilePreview);

  // Started here (manual-init.js holds Decap back): with the rules read, or, if they cannot be, without them;
  // then every save is refused (the handlers above wait for them), never let through unchecked.
  function start() { CMS.init(); }
  // The office's data forms (data-form.js, an ES module) register their file format and checks first.
  var dataForms = import('./data-form.js').catch(function (error) { console.error(error); });
  Promise.all([loaded.catch(function () {}), dataForms]).then(start);
})();
