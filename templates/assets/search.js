/* Starts Pagefind's search UI on the search page (search/index.html).
 *
 * A file rather than inline script, so the site's Content-Security-Policy can
 * forbid inline code. Pagefind finds its bundle and the site's base path from
 * the address of pagefind-ui.js, which the page loads by a relative link, so
 * search works at a domain's root and under any sub-path.
 *
 * The page's address may carry a query and filters, e.g.
 * search/?q=湿地&city=益阳市&year=2024, so other pages can link to a search.
 */
(function () {
  "use strict";
  var element = document.getElementById("search");
  if (!element) {
    return;
  }
  if (typeof window.PagefindUI !== "function") {
    // pagefind-ui.js did not load (index missing or blocked): say so plainly.
    var notice = document.createElement("p");
    notice.className = "notice";
    notice.setAttribute("role", "status");
    notice.textContent = element.getAttribute("data-unavailable");
    element.appendChild(notice);
    return;
  }
  var ui = new window.PagefindUI({
    element: "#search",
    showSubResults: true,
    showImages: false,
    excerptLength: 40,
    translations: {
      placeholder: "输入要检索的词语，如：湿地保护",
      zero_results: "没有找到包含“[SEARCH_TERM]”的简报",
      filters_label: "筛选"
    }
  });
  // Bind the page's visible <label for="search-input"> to Pagefind's input.
  var input = element.querySelector("input[type=text], input:not([type])");
  if (input) {
    input.id = "search-input";
  }
  var params = new URLSearchParams(window.location.search);
  var filters = {};
  // Filter names as the bulletin template declares them (data-pagefind-filter).
  [["city", "城市"], ["year", "年份"]].forEach(function (pair) {
    var values = params.getAll(pair[0]).filter(Boolean);
    if (values.length) {
      filters[pair[1]] = values;
    }
  });
  if (Object.keys(filters).length) {
    ui.triggerFilters(filters);
  }
  var query = params.get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
