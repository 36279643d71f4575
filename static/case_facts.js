// After an edit in the case page's "Case" panel answers in place, the case's
// version has moved on by our own change: bring the page's other forms, which
// still hold the version we edited, up to date (a change by someone else
// would have been refused, so only our own step is skipped over).
document.addEventListener("htmx:afterSwap", function (event) {
  var facts = document.getElementById("case-facts");
  if (!facts || !facts.dataset.versionBefore) return;
  var before = facts.dataset.versionBefore;
  var now = facts.dataset.version;
  document.querySelectorAll('input[name="version"]').forEach(function (input) {
    if (input.value === before) input.value = now;
  });
});
