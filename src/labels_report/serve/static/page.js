// Follows a build without reloading the page; without this script, the page's
// "Actualiser" link does the same. When the build ends, the page is read again
// (its results, its links) at the build's heading, which takes the focus (after
// a form, the page comes back at the heading of its section: #controle-titre...).
(function () {
  "use strict";
  var state = document.getElementById("etat");
  if (!state || state.getAttribute("data-finished") === "1") {
    return;
  }
  var text = document.getElementById("etat-texte");
  var bar = document.getElementById("avancement");
  var steps = document.getElementById("etapes");
  var job = state.getAttribute("data-job");

  function show(build) {
    if (text.textContent !== build.summary) {
      text.textContent = build.summary;
    }
    bar.value = build.percent;
    bar.textContent = build.percent + " %";
    while (steps.children.length < build.lines.length) {
      var item = document.createElement("li");
      item.textContent = build.lines[steps.children.length];
      steps.appendChild(item);
    }
  }

  function poll() {
    fetch("/etat", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var build = data.build;
        if (!build || build.id !== job) {
          return;
        }
        if (build.finished) {
          window.location.replace("/?fin=" + encodeURIComponent(job) + "#construction-titre");
          return;
        }
        show(build);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  window.setTimeout(poll, 1000);
}());
