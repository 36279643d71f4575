// Live pages. The inbox and the case page carry one element with
// data-live-url (the poll), data-live-etag (what the page shows) and
// data-live-regions (the ids to refresh). Every few seconds, while the tab is
// visible, we ask with If-None-Match: an unchanged page costs an empty 304;
// a changed one answers with fresh regions, swapped in place while keeping
// what the user has ticked, typed or focused. Other pages poll the bell alone.
(function () {
  var EVERY_MS = 4000; // web/selectors/live.py POLL_SECONDS
  var bell = document.getElementById("bell-count");
  var marker = document.querySelector("[data-live-url]");
  var url, etag, regions;
  if (marker) {
    url = marker.dataset.liveUrl;
    etag = marker.dataset.liveEtag || "";
    regions = (marker.dataset.liveRegions || "").split(/\s+/).filter(Boolean);
  } else if (bell && bell.dataset.bellUrl) {
    url = bell.dataset.bellUrl;
    etag = "";
    regions = null; // the answer is the bell's content
  } else {
    return;
  }
  var busy = false;
  var stopped = false;

  function selectorOf(el, root) {
    if (el.id) return "#" + CSS.escape(el.id);
    if (!el.name) return null;
    var sel = el.tagName.toLowerCase() + '[name="' + CSS.escape(el.name) + '"]';
    if (el.type === "checkbox" || el.type === "radio") {
      sel += '[value="' + CSS.escape(el.value) + '"]';
    }
    return root.querySelectorAll(sel).length === 1 ? sel : null;
  }

  function changed(el) {
    if (el.type === "checkbox" || el.type === "radio") {
      return el.checked !== el.defaultChecked;
    }
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, function (o) {
        return o.selected !== o.defaultSelected;
      });
    }
    return el.value !== el.defaultValue;
  }

  function remember(region) {
    var kept = [];
    region.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.type === "hidden" || !changed(el)) return;
      var sel = selectorOf(el, region);
      if (sel) kept.push({ sel: sel, value: el.value, checked: el.checked });
    });
    var focused = region.contains(document.activeElement)
      ? selectorOf(document.activeElement, region)
      : null;
    return { kept: kept, focused: focused };
  }

  function restore(region, memo) {
    memo.kept.forEach(function (k) {
      var el = region.querySelector(k.sel);
      if (!el) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = k.checked;
      else el.value = k.value;
    });
    if (memo.focused) {
      var el = region.querySelector(memo.focused);
      if (el) el.focus({ preventScroll: true });
    }
  }

  // A row that answered the user's own action in place (an error, "now
  // yours") keeps its message until the page is loaded again.
  function keepMessages(here, there) {
    here.querySelectorAll("tr[id]").forEach(function (row) {
      if (!row.querySelector("[role=alert], [role=status]")) return;
      var fresh = there.querySelector("#" + CSS.escape(row.id));
      if (fresh) fresh.replaceWith(row.cloneNode(true));
    });
  }

  function swap(html) {
    if (!regions) {
      bell.innerHTML = html;
      return;
    }
    var fresh = new DOMParser().parseFromString(html, "text/html");
    regions.forEach(function (id) {
      var here = document.getElementById(id);
      var there = fresh.getElementById(id);
      if (!here || !there) return;
      var memo = remember(here);
      keepMessages(here, there);
      here.innerHTML = there.innerHTML;
      restore(here, memo);
      if (window.htmx) window.htmx.process(here);
    });
    document.dispatchEvent(new CustomEvent("live:swapped"));
  }

  function poll() {
    if (busy || stopped || document.visibilityState !== "visible") return;
    busy = true;
    var headers = {};
    if (etag) headers["If-None-Match"] = etag;
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 200) {
          var tag = response.headers.get("ETag");
          return response.text().then(function (html) {
            swap(html);
            if (tag) etag = tag;
          });
        }
        // Gone from view (routed away, logged out): stop asking.
        if (response.status === 403 || response.status === 404) stopped = true;
      })
      .catch(function () {})
      .then(function () {
        busy = false;
      });
  }

  function pollBell() {
    if (!bell || !bell.dataset.bellUrl || !marker) return;
    fetch(bell.dataset.bellUrl, { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (html !== null) bell.innerHTML = html;
      })
      .catch(function () {});
  }

  // The case page renders without the bell's count: fetch it once.
  if (marker && bell && !bell.innerHTML.trim()) pollBell();
  if (!marker || !etag) poll();
  setInterval(poll, EVERY_MS);
  document.addEventListener("visibilitychange", poll);
  // After the user's own change (a Take, a note), look again at once: the
  // queue counts move with it instead of a few seconds later.
  document.addEventListener("htmx:afterRequest", function (event) {
    var verb = (event.detail.requestConfig || {}).verb;
    if (verb && verb !== "get") setTimeout(poll, 300);
  });
})();
