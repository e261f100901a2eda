// The dry-run page's progress bar: asks the progress endpoint every second and moves the bar;
// once the run is finished, loads the results. Without script the page refreshes itself instead.
(function () {
  "use strict";
  var run = document.getElementById("sim-run");
  if (!run) { return; }
  var bar = document.getElementById("sim-bar");
  var done = document.getElementById("sim-done");
  var url = run.getAttribute("data-progress");
  var result = run.getAttribute("data-result");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (p) {
        bar.max = p.trials;
        bar.value = p.done;
        done.textContent = String(p.done);
        if (p.finished) { window.location.replace(result); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(function () { window.location.replace(result); }, 3000); });
  }
  window.setTimeout(poll, 500);
})();
