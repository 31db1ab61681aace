/* The search page (search/index.html): exact substring search over the
 * sharded Pagefind index that briefsite builds (src/briefsite/search.py).
 *
 * Every character of a bulletin is one word of the index (a Han character or
 * an ASCII letter/digit stands for itself, anything else is an escape word),
 * so a query term becomes a Pagefind phrase of such words, which Pagefind
 * matches by word positions: the result is exactly the set of bulletins whose
 * text contains the term, whitespace ignored, ASCII letters in either case
 * and either width (２０２４ is 2024).
 * Several terms separated by spaces must all occur; a quoted phrase is one
 * term, matched as written. The shards (one Pagefind index per run of
 * bulletins, newest first) are merged here with mergeIndex, each when a
 * search first needs it (a year filter needs only that year's).
 *
 * A module file rather than inline script, so the site's
 * Content-Security-Policy can forbid inline code. The page's address carries
 * the query and filters (search/?q=湿地&city=益阳市&year=2024), and the form
 * works as a plain GET form before this script has loaded.
 */

// Must agree with search.py's token(): the index's word for one character.
const ESCAPE = "zq";
const HEX_LETTERS = "ghijklmnopqrstuv";
// search.py's WIDE: a full-width form of ASCII (U+FF01-U+FF5E) is searched as
// its ASCII character; in the indexed text its word carries this mark.
const WIDE = "~";
const WIDE_FIRST = 0xff01;
const WIDE_LAST = 0xff5e;
const WIDE_OFFSET = 0xfee0;
// Python's str.isspace(), which search.py drops from the indexed text.
const SPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
const ASCII_ALNUM = /^[A-Za-z0-9]$/;
const OTHER_LETTER = /^\p{Lo}$/u;
const RANK_LIMIT = 50; // matches ranked by occurrences (each needs its fragment); beyond, newest first
const PAGE_SIZE = 20;
// The filter each merged shard gets (Pagefind's mergeFilter, made in the
// browser: nothing to download), which keeps a search to some shards.
const SHARD = "briefsite-shard";
const MAX_CHUNK_FETCHES = 512; // index chunks a batch of shards may ask for at once (see Scan)
const EXCERPT_BEFORE = 14; // characters shown before a match
const EXCERPT_LENGTH = 60;
const LEADING_PUNCTUATION = /^[，。、；：！？）》」』】〕,.;:!?)\]}…—·]$/;

/* The query's word for one character (search.py's token() with fold). */
export function token(char) {
  const code = char.codePointAt(0);
  if (code >= WIDE_FIRST && code <= WIDE_LAST) {
    char = String.fromCodePoint(code - WIDE_OFFSET);
  }
  if (char.length === 1 && char.charCodeAt(0) < 128) {
    if (ASCII_ALNUM.test(char)) {
      return char.toLowerCase();
    }
  } else if (OTHER_LETTER.test(char) && char.normalize("NFD") === char) {
    return char;
  }
  const hex = char.codePointAt(0).toString(16).padStart(6, "0");
  return ESCAPE + Array.from(hex, (d) => HEX_LETTERS[parseInt(d, 16)]).join("");
}

export function tokens(text) {
  return Array.from(text).filter((c) => !SPACE.test(c)).map(token);
}

/* The character an indexed word stands for, as the bulletin has it. */
function decode(word) {
  if (word.length > 1 && word.endsWith(WIDE)) {
    return String.fromCodePoint(decode(word.slice(0, -1)).codePointAt(0) + WIDE_OFFSET);
  }
  if (word.length > 2 && word.startsWith(ESCAPE)) {
    const hex = Array.from(word.slice(2), (l) => HEX_LETTERS.indexOf(l).toString(16)).join("");
    return String.fromCodePoint(parseInt(hex, 16));
  }
  return word;
}

/* An indexed word as a query word compares with it: without WIDE, ASCII in lower case. */
function fold(word) {
  const bare = word.length > 1 && word.endsWith(WIDE) ? word.slice(0, -1) : word;
  return bare.length === 1 ? bare.toLowerCase() : bare;
}

/* The query's terms, each a list of index words. Quotes (ASCII or Chinese)
 * make one term of what they enclose; otherwise whitespace separates terms. */
export function parseQuery(query) {
  const terms = [];
  const pattern = /"([^"]*)"?|“([^”]*)”?|([^\s"“”]+)/g;
  let match;
  while ((match = pattern.exec(query)) !== null) {
    const text = match[1] ?? match[2] ?? match[3] ?? "";
    const words = tokens(text);
    if (words.length && !terms.some((t) => t.join(" ") === words.join(" "))) {
      terms.push(words);
    }
  }
  return terms;
}

let indexReady = null;
let shardNames = []; // every shard, newest first (search.py's plan_shards)
let shardFolders = {}; // shard name -> its folder, for the shards merged on demand

function indexBase() {
  const form = document.getElementById("search-form");
  return new URL(form.getAttribute("data-index"), window.location.href).href;
}

/* The shard's year: shards are named "<year>-<run>" and never span years. */
function shardYear(name) {
  return name.split("-")[0];
}

/* The index's manifest and Pagefind's module, once per page; null for an
 * archive without bulletins (nothing to search). */
async function loadIndex() {
  if (!indexReady) {
    indexReady = (async () => {
      const base = indexBase();
      const response = await fetch(base + "shards.json");
      if (!response.ok) throw new Error(`shards.json: HTTP ${response.status}`);
      const manifest = await response.json();
      if (!manifest.primary) return null;
      shardNames = manifest.names;
      manifest.names.slice(1).forEach((name, i) => {
        shardFolders[name] = manifest.shards[i];
      });
      return await import(base + "pagefind.js");
    })();
  }
  return indexReady;
}

/* A Pagefind instance of its own for one search: its primary index is the
 * newest shard (in the bundle's folder, beside Pagefind's WebAssembly), and
 * it merges the other shards as the search needs them. Pagefind searches
 * every shard merged into an instance, so a search that shared an instance
 * with the searches before it would search, and fetch chunks from, every
 * shard they had merged, all at once. */
async function openIndex(module) {
  const pagefind = module.createInstance({ basePath: indexBase() });
  await pagefind.init();
  await pagefind.options({ excerptLength: 0, highlightParam: null, mergeFilter: { [SHARD]: shardNames[0] } });
  const merged = new Map([[shardNames[0], Promise.resolve()]]); // name -> its merge (a promise)
  return { pagefind, merged };
}

/* The instance of the last search that ended, kept for the next one: the
 * shards it merged (and the chunks and fragments it fetched) serve again. */
let spareIndex = null;

function spare(index) {
  if (spareIndex && spareIndex !== index) spareIndex.pagefind.destroy();
  spareIndex = index;
}

/* The spare instance, if a search of ``words`` distinct words over the
 * shards ``names`` can use it: the shards of ``names`` it holds must be the
 * first ones (they make the search's first batch, which must come before
 * the rest in time), and searching all it holds must stay within
 * MAX_CHUNK_FETCHES. Taken, it is no longer spare. */
function reusable(names, words) {
  const index = spareIndex;
  if (!index) return null;
  spareIndex = null;
  const held = names.filter((name) => index.merged.has(name)).length;
  if (names.slice(0, held).every((name) => index.merged.has(name)) && index.merged.size * words <= MAX_CHUNK_FETCHES) {
    return index;
  }
  index.pagefind.destroy();
  return null;
}

/* The shards a search with these filters must look in: a year's shards for
 * a year filter (the primary is always searched too), else all of them. */
function shardsFor(filters) {
  return shardNames.filter((name) => !filters.year || shardYear(name) === String(filters.year));
}

/* Merge the shards a search needs, on first need: what a query downloads
 * is one index chunk per character per merged shard, so a year's search
 * fetches that year's chunks only (docs/search.md has the figures). */
async function mergeShards(index, names) {
  const base = indexBase();
  for (const name of names) {
    if (!index.merged.has(name)) {
      index.merged.set(name, index.pagefind.mergeIndex(base + shardFolders[name] + "/", { mergeFilter: { [SHARD]: name } }));
    }
  }
  await Promise.all(names.map((name) => index.merged.get(name)));
}

/* Pagefind's filters for a search in the shards ``names``. */
function pagefindFilters(filters, names) {
  const out = {};
  if (filters.city) out["城市"] = filters.city;
  if (filters.year) out["年份"] = String(filters.year);
  out[SHARD] = names.length === 1 ? names[0] : { any: names };
  return out;
}

/* The bulletins of the shards ``names`` (merged already) that match the
 * query and filters; with no terms, every bulletin the filters allow.
 * Pagefind sorts each shard's results by date, so the results of one shard
 * come newest first; it merges shards by score. A result's id is unique
 * within its shard only (Pagefind's 28-bit hash of the page: some 19 pairs
 * of the 100,000 bulletins share one), so results are never matched up
 * across shards by id: the terms' results are intersected within one batch
 * of shards, and each batch is searched on its own. */
async function matchIn(pagefind, terms, filters, names) {
  const options = { filters: pagefindFilters(filters, names), sort: { date: "desc" } };
  if (!terms.length) return (await pagefind.search(null, options)).results;
  let kept = null;
  let order = null;
  for (const words of terms) {
    const found = await pagefind.search(`"${words.join(" ")}"`, options);
    const ids = new Set(found.results.map((r) => r.id));
    if (order === null) {
      order = found.results;
      kept = ids;
    } else {
      kept = new Set([...kept].filter((id) => ids.has(id)));
    }
    if (!kept.size) return [];
  }
  return order.filter((r) => kept.has(r.id));
}

/* One search over the archive, shard by shard, newest first. The shards are
 * merged and searched in batches that double (1, 2, 4, … up to a bound),
 * each batch with a filter that keeps the search to its own shards. The
 * newest matches are known after the first small download, so the page
 * lists them while older shards are still searched, and the count grows to
 * its exact value batch by batch. At 100,000 bulletins an unfiltered query
 * searches some 800 shards; waiting for all of them before showing
 * anything took 16 s, and asking for all their chunks at once lost a third
 * of the requests (docs/search.md). */
class Scan {
  constructor(terms, filters) {
    this.terms = terms;
    this.filters = filters;
    this.batches = []; // { names, results }, in the shards' order
    this.total = 0;
    this.done = false;
    this.closed = false;
    this.index = null; // its own Pagefind instance (openIndex), once opened
    this.error = null;
    this.waiting = [];
    this.finished = this.run();
  }

  async run() {
    try {
      const module = await loadIndex();
      const names = module ? shardsFor(this.filters) : [];
      // Each merged shard fetches one index chunk per distinct word of the
      // query, all at once; Chromium fails requests beyond a few thousand
      // in flight (net::ERR_INSUFFICIENT_RESOURCES), and Pagefind then
      // searches without the chunk, silently: so a batch is bounded.
      const words = new Set(this.terms.flat()).size || 1;
      const most = Math.max(1, Math.floor(MAX_CHUNK_FETCHES / words));
      if (!names.length) return;
      this.index = reusable(names, words) || (await openIndex(module));
      const pagefind = this.index.pagefind;
      // The first batch: the shards the index holds already (see reusable).
      const first = Math.max(1, names.filter((name) => this.index.merged.has(name)).length);
      for (let i = 0, size = first; i < names.length; i += size, size = Math.min(2 * size, most)) {
        const batch = names.slice(i, i + size);
        if (this.closed) break;
        await mergeShards(this.index, batch);
        const results = await matchIn(pagefind, this.terms, this.filters, batch);
        this.batches.push({ names: batch, results });
        this.total += results.length;
        this.wake();
      }
    } catch (e) {
      this.error = e;
    } finally {
      this.done = true;
      this.wake();
    }
  }

  wake() {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /* The k-th batch once searched; null when there is none (the scan is over). */
  async batch(k) {
    while (k >= this.batches.length && !this.done) await new Promise((resolve) => this.waiting.push(resolve));
    if (this.error) throw this.error;
    return this.batches[k] || null;
  }

  /* Stop searching and free the instance: a newer search replaced this one. */
  close() {
    this.closed = true;
    const release = () => {
      if (!this.index) return;
      if (this.error) this.index.pagefind.destroy();
      else spare(this.index);
    };
    if (this.done) release();
    else this.finished.then(release);
  }

  async complete() {
    await this.finished;
    if (this.error) throw this.error;
    return this;
  }

  /* Listed newest first (not ranked): with no terms, or with more matches
   * than are ranked, which the count may show before the scan is over. */
  get byDate() {
    return !this.terms.length || this.total > RANK_LIMIT;
  }

  results() {
    return this.batches.flatMap((b) => b.results);
  }
}

/* The scan's matches newest first, lazily: shard by shard within each batch
 * of more than one shard (its results come by score). */
async function* newestFirst(scan) {
  for (let k = 0; ; k++) {
    const batch = await scan.batch(k);
    if (!batch) return;
    if (batch.names.length === 1 || !batch.results.length) {
      yield* batch.results;
      continue;
    }
    let left = batch.results.length;
    for (const name of batch.names) {
      const results = await matchIn(scan.index.pagefind, scan.terms, scan.filters, [name]);
      yield* results;
      left -= results.length;
      if (!left) break;
    }
  }
}

/* A loaded result: its facts, its text as characters and where the terms occur. */
async function describe(result, terms) {
  const data = await result.data();
  let facts = {};
  try {
    facts = JSON.parse(data.meta.r || "{}");
  } catch (e) {
    facts = {};
  }
  // Pagefind ends each block's last word with "." in the text it keeps; a
  // real "." is an escape word, so a trailing one is always Pagefind's.
  const words = data.content.split(" ").filter((w) => w.length).map((w) => w.replace(/\.$/, ""));
  const chars = words.map(decode);
  const folded = words.map(fold);
  const headings = (data.anchors || [])
    .filter((a) => /^h\d$/i.test(a.element) && a.id)
    .map((a) => ({ id: a.id, start: a.location, end: a.location + a.text.split(" ").filter(Boolean).length }))
    .sort((a, b) => a.start - b.start);
  const hits = [];
  for (const term of terms) {
    for (let i = 0; i + term.length <= folded.length; i++) {
      let j = 0;
      while (j < term.length && folded[i + j] === term[j]) j++;
      if (j === term.length) hits.push([i, i + term.length]);
    }
  }
  hits.sort((a, b) => a[0] - b[0]);
  const inHeading = hits.filter(([s, e]) => headings.some((h) => s >= h.start && e <= h.end)).length;
  return { result, data, facts, chars, headings, hits, score: hits.length + 3 * inHeading };
}

/* The scan's matches in page order: ranked by occurrences (a headline's
 * count more), newest first among equals, for up to RANK_LIMIT matches of a
 * finished scan; else newest first, as ranking them would mean downloading
 * each one. */
async function ordered(scan) {
  if (!scan.byDate) await scan.complete(); // it may still find more than are ranked
  if (scan.byDate) return { items: null, newest: newestFirst(scan) };
  const described = await Promise.all(scan.results().map((r) => describe(r, scan.terms)));
  described.sort((a, b) => b.score - a.score || newer(a, b));
  return { items: described };
}

function newer(a, b) {
  const key = (item) => `${item.facts.date || ""} ${String(item.facts.number || 0).padStart(9, "0")}`;
  return key(b) < key(a) ? -1 : key(b) > key(a) ? 1 : 0;
}

async function take(order, count) {
  if (order.items) return order.items.splice(0, count);
  const out = [];
  while (out.length < count) {
    const next = await order.newest.next();
    if (next.done) break;
    out.push({ result: next.value });
  }
  return out;
}

/* For tests and other scripts: the URLs of every match, in page order. */
async function find(query, filters = {}) {
  const scan = new Scan(parseQuery(query || ""), filters);
  try {
    await scan.complete();
    const order = await ordered(scan);
    const urls = [];
    for (const item of await take(order, Infinity)) {
      urls.push(new URL((item.data || (await item.result.data())).url, window.location.href).pathname);
    }
    return urls;
  } finally {
    scan.close();
  }
}

// ---- the page -------------------------------------------------------------

const messages = () => document.getElementById("search-messages").dataset;

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, k) => (values[k] === undefined ? "" : String(values[k])));
}

// A date in the site's language: its form and the months' names come from
// the page (data-date, data-months), translated with the site.
function cnDate(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  const m_ = messages();
  return say(m_.date, { y, d, month: m_.months.split(",")[m - 1] });
}

function section(item, position) {
  let start = 0;
  let end = item.chars.length;
  let heading = null;
  for (const h of item.headings) {
    if (h.start <= position) {
      heading = h;
      start = h.end;
    } else {
      end = Math.min(end, h.start);
      break;
    }
  }
  if (heading && position < heading.end) {
    start = heading.start; // the match is in the headline itself
    end = heading.end;
  }
  return { heading, start, end };
}

/* The characters [start, end) of a result, with every match marked, into ``into``. */
function appendMarked(into, item, start, end) {
  let i = start;
  for (const [s, e] of item.hits) {
    if (e <= i || s >= end) continue;
    if (s > i) into.append(item.chars.slice(i, s).join(""));
    const mark = document.createElement("mark");
    mark.textContent = item.chars.slice(Math.max(s, i), Math.min(e, end)).join("");
    into.append(mark);
    i = Math.min(e, end);
  }
  if (i < end) into.append(item.chars.slice(i, end).join(""));
}

function excerpt(item, position, bounds) {
  let start = Math.max(bounds.start, position - EXCERPT_BEFORE);
  while (start < position && LEADING_PUNCTUATION.test(item.chars[start])) start++;
  const end = Math.min(bounds.end, start + EXCERPT_LENGTH);
  const p = document.createElement("p");
  p.className = "search-excerpt";
  if (start > bounds.start) p.append("…");
  appendMarked(p, item, start, end);
  if (end < bounds.end) p.append("…");
  return p;
}

function inHeading(item, position) {
  return item.headings.some((h) => position >= h.start && position < h.end);
}

function renderResult(item) {
  const li = document.createElement("li");
  li.className = "search-result";
  const facts = item.facts;
  const h2 = document.createElement("h2");
  const link = document.createElement("a");
  link.href = item.data.url;
  link.textContent = facts.title || item.data.url;
  h2.append(link);
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = [facts.issue, facts.city, facts.date ? cnDate(facts.date) : ""].filter(Boolean).join(" · ");
  li.append(h2, meta);
  if (item.hits && item.hits.length) {
    // The first match in running text (else in a headline), in its context.
    const body = item.hits.filter(([s]) => !inHeading(item, s));
    const first = (body[0] || item.hits[0])[0];
    li.append(excerpt(item, first, section(item, first)));
    // Sub-results: each article holding a match, by its headline (matches
    // marked), jumping to it, with its own first match in running text.
    const subs = document.createElement("ul");
    subs.className = "search-subresults";
    const seen = new Set();
    for (const [s] of item.hits) {
      const part = section(item, s);
      if (!part.heading || seen.has(part.heading.id)) continue;
      if (seen.size >= 3) break;
      seen.add(part.heading.id);
      const sub = document.createElement("li");
      const a = document.createElement("a");
      a.href = `${item.data.url}#${encodeURIComponent(part.heading.id)}`;
      appendMarked(a, item, part.heading.start, part.heading.end);
      sub.append(a);
      const own = body.find(([b]) => b >= part.heading.end && section(item, b).heading === part.heading);
      if (own && own[0] !== first) sub.append(excerpt(item, own[0], section(item, own[0])));
      subs.append(sub);
    }
    if (subs.children.length) li.append(subs);
  }
  return li;
}

function readForm() {
  const form = document.getElementById("search-form");
  return {
    q: form.elements.q.value.trim(),
    city: form.elements.city.value,
    year: form.elements.year.value,
  };
}

function known(select, value) {
  return Array.from(select.options).some((o) => o.value === value);
}

let runId = 0;
let shownScan = null; // the search the page shows, closed when the next one starts

async function run(state) {
  const id = ++runId;
  if (shownScan) shownScan.close();
  shownScan = null;
  const m = messages();
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const form = document.getElementById("search-form");
  more.hidden = true;
  list.replaceChildren();
  if (state.city && !known(form.elements.city, state.city)) {
    status.textContent = say(m.unknownCity, { v: state.city });
    return;
  }
  if (state.year && !known(form.elements.year, state.year)) {
    status.textContent = say(m.unknownYear, { v: state.year });
    return;
  }
  const terms = parseQuery(state.q);
  if (!terms.length && !state.city && !state.year) {
    status.textContent = state.q ? say(m.none, { q: state.q }) : m.empty;
    return;
  }
  status.textContent = m.loading;
  const scan = new Scan(terms, state);
  shownScan = scan;
  const where = [state.city, state.year ? say(m.year, { y: state.year }) : ""].filter(Boolean).join(m.joiner);
  // The final count, once every shard has been searched.
  const final = () => {
    const n = scan.total;
    if (!n) return where ? say(m.noneFiltered, { q: state.q, where }) : say(m.none, { q: state.q });
    if (!terms.length) return say(m.listing, { n, where });
    const suffix = where ? say(m.filtered, { where }) : "";
    return say(scan.byDate ? m.countMany : m.count, { n, q: state.q, where: suffix, k: RANK_LIMIT });
  };
  // While searching: the matches so far, or, with none yet, how far back
  // the search has come (an absent word searches every shard).
  const progress = () => {
    if (scan.total) return say(m.searching, { n: scan.total });
    const last = scan.batches[scan.batches.length - 1];
    return last ? say(m.searchingNone, { y: shardYear(last.names[last.names.length - 1]) }) : m.loading;
  };
  // Show each batch's progress until ``enough()`` or the scan's end; false
  // if a newer search replaced this one meanwhile.
  let seen = 0; // batches whose count the status shows
  const follow = async (enough) => {
    while (!enough()) {
      const batch = await scan.batch(seen);
      if (id !== runId) return false;
      if (!batch) break;
      seen++;
      status.textContent = progress();
    }
    return true;
  };
  let order;
  try {
    // Wait until the order of the list is settled and its first page known:
    // newest first with a page of matches found, or the scan over.
    if (!(await follow(() => scan.byDate && scan.total >= PAGE_SIZE))) return;
    order = await ordered(scan);
  } catch (e) {
    if (id === runId) status.textContent = m.unavailable;
    throw e;
  }
  if (id !== runId) return;
  if (!scan.total) {
    status.textContent = final();
    return;
  }
  status.textContent = scan.done ? final() : progress();
  let shown = 0;
  const showMore = async () => {
    more.hidden = true;
    const page = await take(order, PAGE_SIZE);
    shown += page.length;
    const items = await Promise.all(page.map((item) => (item.data ? item : describe(item.result, terms))));
    if (id !== runId) return;
    for (const item of items) list.append(renderResult(item));
    more.hidden = scan.done && shown >= scan.total;
  };
  more.onclick = () => showMore();
  try {
    await showMore();
    // The older shards, searched on while the first page is read.
    if (!(await follow(() => false))) return;
  } catch (e) {
    if (id === runId) status.textContent = m.unavailable;
    throw e;
  }
  status.textContent = final();
  more.hidden = shown >= scan.total;
}

function fromAddress() {
  const params = new URLSearchParams(window.location.search);
  return { q: (params.get("q") || "").trim(), city: params.get("city") || "", year: params.get("year") || "" };
}

function fillForm(state) {
  const form = document.getElementById("search-form");
  form.elements.q.value = state.q;
  for (const name of ["city", "year"]) {
    const select = form.elements[name];
    if (known(select, state[name])) select.value = state[name];
  }
}

function start() {
  const form = document.getElementById("search-form");
  if (!form) return;
  window.briefsiteSearch = { find, parseQuery, tokens, ready: loadIndex() };
  window.briefsiteSearch.ready.catch(() => {
    document.getElementById("search-status").textContent = messages().unavailable;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const state = readForm();
    const params = new URLSearchParams();
    for (const key of ["q", "city", "year"]) if (state[key]) params.set(key, state[key]);
    const query = params.toString();
    history.pushState(null, "", query ? `?${query}` : window.location.pathname);
    run(state).catch(() => {});
  });
  window.addEventListener("popstate", () => {
    const state = fromAddress();
    fillForm(state);
    run(state).catch(() => {});
  });
  const state = fromAddress();
  fillForm(state);
  if (state.q || state.city || state.year) run(state).catch(() => {});
}

start();
