// Tag suggestions while typing a comma-separated list: the datalist offers the whole list with the last
// tag completed from the tags other members use (/tags/suggest). Without it, the datalist still
// offers the common tags for the first one.
(function () {
  "use strict";
  var list = document.getElementById("tag-suggestions");
  var endpoint = list && list.getAttribute("data-suggest-url");
  if (!list || !endpoint || !window.fetch) {
    return;
  }
  var timer = null;
  function suggest(input) {
    var parts = input.value.split(",");
    var last = parts.pop().trim();
    var before = parts.map(function (part) { return part.trim(); }).filter(Boolean);
    if (!last) {
      return;
    }
    fetch(endpoint + "?q=" + encodeURIComponent(last), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { tags: [] }; })
      .then(function (data) {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        (data.tags || []).forEach(function (name) {
          var option = document.createElement("option");
          option.value = before.concat([name]).join(", ");
          list.appendChild(option);
        });
      })
      .catch(function () {});
  }
  document.querySelectorAll('input[list="tag-suggestions"]').forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { suggest(input); }, 150);
    });
  });
})();
