// Search page: a small interface over Pagefind's JavaScript API (no framework, no inline code).
// The controls are disabled in the HTML and enabled here: without JavaScript visitors get a notice and
// the listing links, and enabling them moves nothing on the page (no layout shift).
const form = document.getElementById("search-form");
const input = document.getElementById("search-query");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const moreWrap = document.getElementById("search-more-wrap");
const moreButton = document.getElementById("search-more");
const clearButton = document.getElementById("clear-filters");
const filterSummary = document.getElementById("filter-summary");
const details = document.getElementById("search-filters");
const controls = document.getElementById("search-controls");
const boxes = Array.from(form.querySelectorAll('input[type="checkbox"]'));
const PAGE_SIZE = 10;

let pagefind = null;
let results = [];
let shown = 0;
let sequence = 0;
let timer = null;

function say(text) {
  status.textContent = text;
}

function selectedFilters() {
  const filters = {};
  for (const box of boxes) {
    if (box.checked) {
      (filters[box.name] ||= { any: [] }).any.push(box.value);
    }
  }
  return filters;
}

// The folded copies of words with đ (indexed so that "duc" finds "Đức") sit between ⟦ and ⟧:
// they help matching but are not for reading, so they are cut out of excerpts, even when cut short.
const FOLDED = /⟦[^⟧]*⟧\.?|^[^⟦⟧]*⟧\.?|⟦[^⟧]*$/g;

function excerptNodes(html) {
  // Pagefind's excerpt is text with <mark> around matches: keep exactly that, nothing else.
  html = html.replace(FOLDED, " ").replace(/\s{2,}/g, " ").trim();
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const fragment = document.createDocumentFragment();
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      fragment.append(mark);
    } else {
      fragment.append(document.createTextNode(node.textContent));
    }
  }
  return fragment;
}

function first(values) {
  return Array.isArray(values) && values.length ? values[0] : "";
}

async function showMore() {
  const mine = sequence;
  const batch = await Promise.all(results.slice(shown, shown + PAGE_SIZE).map((result) => result.data()));
  if (mine !== sequence) return;
  for (const data of batch) {
    const item = document.createElement("li");
    item.className = "search-result";
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    heading.append(link);
    const meta = document.createElement("p");
    meta.className = "search-result-meta";
    const filters = data.filters || {};
    meta.textContent = [first(filters.kind), first(filters.unit), first(filters.year) && `Năm ${first(filters.year)}`, first(filters.field)]
      .filter(Boolean).join(" · ");
    const excerpt = document.createElement("p");
    excerpt.className = "search-result-excerpt";
    excerpt.append(excerptNodes(data.excerpt || ""));
    item.append(heading, meta, excerpt);
    list.append(item);
  }
  shown += batch.length;
  moreWrap.hidden = shown >= results.length;
}

function updateFilterCounts(counts) {
  for (const box of boxes) {
    const label = form.querySelector(`label[for="${box.id}"] .filter-count`);
    const value = counts && counts[box.name] ? counts[box.name][box.value] || 0 : Number(label.dataset.total);
    label.textContent = `(${value})`;
  }
  const active = boxes.filter((box) => box.checked).length;
  filterSummary.textContent = active ? `(đang chọn ${active})` : "";
}

function remember(query) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const box of boxes) if (box.checked) params.append(box.name, box.value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

async function run() {
  const mine = ++sequence;
  const query = input.value.trim();
  const filters = selectedFilters();
  remember(query);
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    moreWrap.hidden = true;
    updateFilterCounts(null);
    say("Nhập từ khóa hoặc chọn bộ lọc để tìm điển hình.");
    return;
  }
  const search = await pagefind.search(query || null, { filters });
  if (mine !== sequence || !search) return;
  results = search.results;
  shown = 0;
  list.replaceChildren();
  updateFilterCounts(query ? search.totalFilters : null);
  if (!results.length) {
    moreWrap.hidden = true;
    say("Không tìm thấy điển hình nào phù hợp. Hãy thử bớt từ khóa hoặc bỏ bớt bộ lọc.");
    return;
  }
  await showMore();
  if (mine !== sequence) return;
  say(`Tìm thấy ${results.length} điển hình${query ? ` cho “${query}”` : ""}.`);
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(run, 250);
}

async function start() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const box of boxes) box.checked = params.getAll(box.name).includes(box.value);
  if (boxes.some((box) => box.checked)) details.open = true;
  say("Đang tải chức năng tìm kiếm…");
  try {
    // A large site's index is split into bundles (one a year): the first is loaded, the others merged
    // into it; results and filter counts then cover them all, searched with the first one's WebAssembly.
    const [main, ...others] = form.dataset.bundles.split(" ").filter(Boolean);
    pagefind = await import(`${main}pagefind.js`);
    // noWorker: the worker script would add 12 KB to a page that must stay under 100 KB; the index is small.
    await pagefind.options({ baseUrl: "/", excerptLength: 24, noWorker: true });
    await pagefind.init();
    await Promise.all(others.map((url) => pagefind.mergeIndex(url, { baseUrl: "/", excerptLength: 24 })));
  } catch (error) {
    say("Không tải được chức năng tìm kiếm. Bạn có thể xem các điển hình theo danh sách bên dưới.");
    throw error;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("input", schedule);
  for (const box of boxes) box.addEventListener("change", run);
  clearButton.addEventListener("click", () => {
    for (const box of boxes) box.checked = false;
    run();
  });
  moreButton.addEventListener("click", () => {
    const next = list.children.length;
    showMore().then(() => list.children[next]?.querySelector("a")?.focus());
  });
  controls.disabled = false;
  document.body.dataset.searchReady = "true";
  await run();
}

start();
