/* The editors' form (Decap CMS): a preview that looks like the published profile page, and the checks
   Decap cannot express per field, from rules.json (made by showcase/site/cms.py from the same data as
   `build.py check`). Loaded after decap-cms.js, which defines window.CMS and window.h. */
(function () {
  'use strict';
  var CMS = window.CMS;
  var h = window.h;
  var script = document.currentScript;
  var rules = null;
  var loaded = fetch('rules.json').then(function (response) { return response.json(); }).then(function (data) { rules = data; });

  // Decap's Vietnamese phrases lack these (it would show them in English); registered before the form starts.
  var MISSING_PHRASES = {
    collection: {
      collectionTop: { viewAsList: 'Xem dạng danh sách', viewAsGrid: 'Xem dạng lưới', groupBy: 'Nhóm theo' },
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

  CMS.registerLocale('vi', filled(Object.assign({}, CMS.getLocale('vi')), MISSING_PHRASES));

  if (script && script.dataset.siteStylesheet) CMS.registerPreviewStyle(script.dataset.siteStylesheet);
  CMS.registerPreviewStyle('cms.css');

  // --- before a save: Unicode NFC everywhere, then the rules that span several fields ----------------

  function normalized(value) {
    if (typeof value === 'string') return value.normalize('NFC');
    if (value && typeof value.map === 'function' && typeof value.toJS === 'function') return value.map(normalized);
    return value;
  }

  function isBlank(value) {
    if (value === undefined || value === null) return true;
    if (typeof value === 'string') return value.trim() === '';
    if (typeof value.size === 'number') return value.size === 0;
    return false;
  }

  function problems(data) {
    var found = [];
    var labels = rules.labels;
    if (!isBlank(data.get('photo')) && isBlank(data.get('photo_alt'))) {
      found.push(rules.messages.photo_alt.replace('{photo}', labels.photo).replace('{photo_alt}', labels.photo_alt));
    }
    var consent = data.get('consent');
    var kind = data.get('kind');
    var needed = rules.requires_consent.indexOf(kind) !== -1;
    var started = consent && Object.keys(rules.consent_parts).some(function (part) { return !isBlank(consent.get(part)); });
    if (needed || started) {
      var missing = Object.keys(rules.consent_parts).filter(function (part) { return !consent || isBlank(consent.get(part)); });
      if (missing.length) {
        var names = missing.map(function (part) { return rules.consent_parts[part]; }).join(', ');
        var message = needed ? rules.messages.consent_needed.replace('{kind}', rules.kinds[kind] || kind) : rules.messages.consent_incomplete;
        found.push(message.replace('{consent}', labels.consent).replace('{parts}', names));
      }
    }
    return found;
  }

  CMS.registerEventListener({
    name: 'preSave',
    handler: function (event) {
      return loaded.then(function () {
        var data = normalized(event.entry.get('data'));
        var found = problems(data);
        if (found.length) throw new Error(found.join(' '));
        return data;
      });
    },
  });

  // --- preview: the profile page's own markup and classes, styled by the site's stylesheet -----------

  function label(group, id) {
    return (rules && rules[group] && rules[group][id]) || id || '';
  }

  function ProfilePreview(props) {
    var data = props.entry.get('data');
    var text = function (key) { var value = data.get(key); return value === undefined || value === null ? '' : String(value); };
    var list = function (key) { var value = data.get(key); return value && value.toJS ? value.toJS() : []; };
    var photo = text('photo');
    var achievements = list('achievements').filter(function (item) { return typeof item === 'string' && item.trim(); });
    var awards = list('awards');
    return h('div', { className: 'cms-preview' },
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

  CMS.registerPreviewTemplate('ho-so', ProfilePreview);
})();
