// Fill the message box with the picked canned response (already rendered by
// the server) and announce the input, so the live pitch check runs on it too.
document.addEventListener("change", function (event) {
  var pick = event.target;
  if (pick.id !== "canned-pick" || !pick.value) return;
  var box = document.getElementById(pick.dataset.fills);
  var option = pick.options[pick.selectedIndex];
  if (!box || !option) return;
  box.value = option.dataset.body;
  box.dispatchEvent(new Event("input", { bubbles: true }));
  box.focus();
});
