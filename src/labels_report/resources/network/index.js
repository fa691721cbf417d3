// Search and sort the network's towns, in the page itself (no request, no build step).
(function () {
  "use strict";
  var table = document.getElementById("towns");
  var input = document.getElementById("search");
  var count = document.getElementById("count");
  if (!table || !input || !count) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var words = JSON.parse(document.getElementById("words").textContent);

  function fold(text) {
    var folded = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/[^a-z0-9]+/g, " ").trim();
    return folded.split(" ").map(function (word) {
      return {st: "saint", ste: "sainte"}[word] || word;
    }).join(" ");
  }

  function say(shown) {
    count.textContent = (shown === 1 ? words.one : words.other).replace("{n}", String(shown));
  }

  input.addEventListener("input", function () {
    var wanted = fold(input.value);
    var shown = 0;
    rows.forEach(function (row) {
      var match = !wanted || (" " + row.getAttribute("data-search") + " ").indexOf(" " + wanted) !== -1;
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    say(shown);
  });

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (header, column) {
    var button = header.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var ascending = header.getAttribute("aria-sort") !== "ascending";
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = header.classList.contains("number");
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-sort");
        var y = b.cells[column].getAttribute("data-sort");
        var order;
        if (numeric) {
          order = (x === "" ? -1 : Number(x)) - (y === "" ? -1 : Number(y));
        } else {
          order = x < y ? -1 : x > y ? 1 : 0;
        }
        if (order === 0) {
          order = a.cells[0].getAttribute("data-sort") < b.cells[0].getAttribute("data-sort") ? -1 : 1;
          return order;
        }
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
