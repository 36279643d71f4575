// Keyboard shortcuts on the inbox: j/k move between rows, o opens the case,
// a takes it ("assign to me"), / jumps to the search box, ? shows the help.
// Keys typed into a field are left alone; the help is a modal <dialog>, which
// keeps focus inside while open and gives it back to where it was.
(function () {
  var current = -1;
  var chosenId = null;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.cases tbody tr"));
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    if (all[current]) all[current].classList.remove("kb-current");
    current = Math.max(0, Math.min(all.length - 1, current + step));
    var row = all[current];
    chosenId = row.id;
    row.classList.add("kb-current");
    row.setAttribute("tabindex", "-1");
    row.focus();
  }

  function typing(target) {
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function help() {
    var dialog = document.getElementById("shortcuts-help");
    if (!dialog || dialog.open) return;
    var back = document.activeElement;
    dialog.addEventListener("close", function restore() {
      dialog.removeEventListener("close", restore);
      if (back && back.focus) back.focus();
    });
    dialog.showModal();
  }

  // The live inbox (live.js) may swap the rows: follow the chosen case, not
  // its old position, so "a" never takes a case that slid into its place.
  document.addEventListener("live:swapped", function () {
    var all = rows();
    current = chosenId ? all.findIndex(function (r) { return r.id === chosenId; }) : -1;
    if (current < 0) return;
    var row = all[current];
    row.classList.add("kb-current");
    row.setAttribute("tabindex", "-1");
    if (document.activeElement === document.body) row.focus({ preventScroll: true });
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-close-dialog]")) {
      event.target.closest("dialog").close();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    var row = rows()[current];
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o":
        if (row) { var link = row.querySelector("a[href]"); if (link) link.click(); }
        break;
      case "a":
        if (row) {
          var take = row.querySelector('form[action$="/take/"]');
          if (take) take.requestSubmit();
        }
        break;
      case "/":
        var search = document.getElementById("f-q");
        if (search) { event.preventDefault(); search.focus(); }
        break;
      case "?": help(); break;
      default: return;
    }
  });
})();
