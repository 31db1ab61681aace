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

let pagefindReady = null;
let shardNames = []; // every shard, newest first (search.py's plan_shards)
let shardFolders = {}; // shard name -> its folder, for the shards merged on demand
const merged = new Map(); // shard name -> its merge into the primary (a promise), once asked for

function indexBase() {
  const form = document.getElementById("search-form");
  return new URL(form.getAttribute("data-index"), window.location.href).href;
}

/* The shard's year: shards are named "<year>-<run>" and never span years. */
function shardYear(name) {
  return name.split("-")[0];
}

async function loadPagefind() {
  if (!pagefindReady) {
    pagefindReady = (async () => {
      const base = indexBase();
      const response = await fetch(base + "shards.json");
      if (!response.ok) throw new Error(`shards.json: HTTP ${response.status}`);
      const manifest = await response.json();
      if (!manifest.primary) return null; // an archive without bulletins: nothing to search
      shardNames = manifest.names;
      manifest.names.slice(1).forEach((name, i) => {
        shardFolders[name] = manifest.shards[i];
      });
      const pagefind = await import(base + "pagefind.js");
      await pagefind.options({ basePath: base, excerptLength: 0, highlightParam: null });
      await pagefind.init();
      merged.set(manifest.names[0], Promise.resolve()); // the newest shard is the primary index
      return pagefind;
    })();
  }
  return pagefindReady;
}

/* The shards a search with these filters must look in: a year's shards for
 * a year filter (the primary is always searched too), else all of them. */
function shardsFor(filters) {
  return shardNames.filter((name) => !filters.year || shardYear(name) === String(filters.year));
}

/* Merge the shards a search needs, on first need: what a query downloads
 * is one index chunk per character per merged shard, so a year's search
 * fetches that year's chunks only (docs/search.md has the figures). */
async function mergeShards(pagefind, names) {
  const base = indexBase();
  for (const name of names) {
    if (!merged.has(name)) merged.set(name, pagefind.mergeIndex(base + shardFolders[name] + "/"));
  }
  await Promise.all(names.map((name) => merged.get(name)));
}

function pagefindFilters(filters) {
  const out = {};
  if (filters.city) out["城市"] = filters.city;
  if (filters.year) out["年份"] = String(filters.year);
  if (filters.shard) out["shard"] = filters.shard;
  return out;
}

/* Every bulletin matching the query and filters, newest first (Pagefind's
 * results, not yet loaded). With no terms, every bulletin the filters allow. */
async function matching(terms, filters) {
  const pagefind = await loadPagefind();
  if (!pagefind) return [];
  await mergeShards(pagefind, filters.shard ? [filters.shard] : shardsFor(filters));
  const options = { filters: pagefindFilters(filters), sort: { date: "desc" } };
  if (!terms.length) {
    return (await pagefind.search(null, options)).results;
  }
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

/* The same matches newest first, found lazily shard by shard: Pagefind
 * sorts each shard's results by date but merges shards by score, and the
 * shards are contiguous in time, newest first. */
async function* newestFirst(terms, filters) {
  for (const shard of shardsFor(filters)) {
    for (const result of await matching(terms, { ...filters, shard })) yield result;
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

/* Matches in ranking order: by occurrences (a headline's count more), newest
 * first among equals, for up to RANK_LIMIT matches; more than that are listed
 * newest first, as ranking them would mean downloading each one. */
async function ranked(results, terms, filters) {
  if (!terms.length || results.length > RANK_LIMIT) {
    return { items: null, newest: newestFirst(terms, filters), ranked: false };
  }
  const described = await Promise.all(results.map((r) => describe(r, terms)));
  described.sort((a, b) => b.score - a.score || newer(a, b));
  return { items: described, ranked: true };
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
  const terms = parseQuery(query || "");
  const results = await matching(terms, filters);
  const order = await ranked(results, terms, filters);
  const urls = [];
  for (const item of await take(order, Infinity)) {
    urls.push(new URL((item.data || (await item.result.data())).url, window.location.href).pathname);
  }
  return urls;
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

async function run(state) {
  const id = ++runId;
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
  let results;
  let order;
  try {
    results = await matching(terms, state);
    order = await ranked(results, terms, state);
  } catch (e) {
    if (id === runId) status.textContent = m.unavailable;
    throw e;
  }
  if (id !== runId) return;
  const where = [state.city, state.year ? say(m.year, { y: state.year }) : ""].filter(Boolean).join(m.joiner);
  if (!results.length) {
    status.textContent = where ? say(m.noneFiltered, { q: state.q, where }) : say(m.none, { q: state.q });
    return;
  }
  const n = results.length;
  if (!terms.length) {
    status.textContent = say(m.listing, { n, where });
  } else {
    const suffix = where ? say(m.filtered, { where }) : "";
    status.textContent = say(order.ranked ? m.count : m.countMany, { n, q: state.q, where: suffix, k: RANK_LIMIT });
  }
  let shown = 0;
  const showMore = async () => {
    const page = await take(order, PAGE_SIZE);
    shown += page.length;
    const items = await Promise.all(page.map((item) => (item.data ? item : describe(item.result, terms))));
    if (id !== runId) return;
    for (const item of items) list.append(renderResult(item));
    more.hidden = shown >= n;
  };
  more.onclick = () => showMore();
  await showMore();
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
  window.briefsiteSearch = { find, parseQuery, tokens, ready: loadPagefind() };
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
