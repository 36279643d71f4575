// Agents' pages. A refused panel form (offers, messages, follow-ups, close)
// answers 422 with the panel and its error: htmx swaps it in place (it
// ignores 4xx by default), then the error gets focus and scrolls into view.
(function () {
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.xhr.status !== 422) return;
    // An outerHTML swap replaced the target: look for its successor by id.
    var target = event.detail.target;
    var panel = (target.id && document.getElementById(target.id)) || target;
    var error = panel.querySelector(
      "[data-refusal], [aria-invalid='true'], .errorlist, .pitch-warning"
    );
    if (!error) return;
    if (!error.hasAttribute("tabindex")) error.setAttribute("tabindex", "-1");
    error.focus({ preventScroll: true });
    error.scrollIntoView({ block: "center" });
  });
})();
