// The check-in page's search box filters the list as the organiser types; without JavaScript the
// Search button asks the server instead.
(function () {
  "use strict";
  var form = document.querySelector("[data-checkin-search]");
  var list = document.querySelector(".checkin-list");
  if (!form || !list) {
    return;
  }
  var input = form.querySelector('input[type="search"]');
  var shown = document.querySelector("[data-checkin-shown]");
  var items = list.querySelectorAll("li[data-name]");
  input.addEventListener("input", function () {
    var wanted = input.value.trim().toLowerCase();
    var count = 0;
    items.forEach(function (item) {
      var match = item.getAttribute("data-name").indexOf(wanted) !== -1;
      item.hidden = !match;
      if (match) { count += 1; }
    });
    if (shown) {
      shown.textContent = wanted ? count + (count === 1 ? " person matches." : " people match.") : "";
    }
  });
})();
