/* The 404 page is served in place of any missing address, at any depth, and
   without base_url it cannot know where the site's root is: find it, then
   point the page's relative links (stylesheet, navigation) there. The root is
   the folder before a folder of the site (bulletins/, cities/ ...) in the
   address, or else the nearest folder above it that holds the site's stylesheet. */
(function () {
  var FOLDERS = ["bulletins", "cities", "archive", "search", "assets", "pagefind"];
  function fix(root) {
    var links = document.querySelectorAll("a[href], link[href]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href");
      if (/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(href)) continue;
      /* Untouched where it already points right: a reset would refetch the stylesheet. */
      if (new URL(root + href, location.href).href !== links[i].href) links[i].setAttribute("href", root + href);
    }
  }
  function use(root) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { fix(root); });
    } else {
      fix(root);
    }
  }
  var parts = location.pathname.split("/");
  parts.pop();
  for (var i = 1; i < parts.length; i++) {
    if (FOLDERS.indexOf(parts[i]) >= 0) { use(parts.slice(0, i).join("/") + "/"); return; }
  }
  window.addEventListener("load", function () {
    /* The stylesheet loaded: the page is in the site's top folder, links are right. */
    var sheet = document.querySelector("link[rel=stylesheet]");
    try { if (sheet && sheet.sheet && sheet.sheet.cssRules.length) return; } catch (e) { /* unreadable */ }
    var candidates = [];
    for (var j = parts.length - 1; j >= 1; j--) candidates.push(parts.slice(0, j).join("/") + "/");
    (function probe(k) {
      if (k >= candidates.length) return;
      fetch(candidates[k] + "assets/style.css", { method: "HEAD" }).then(function (r) {
        if (r.ok) use(candidates[k]); else probe(k + 1);
      }, function () { probe(k + 1); });
    })(0);
  });
})();
