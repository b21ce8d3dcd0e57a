// Keyboard shortcuts for the review pages. No dependencies; the pages work without it.
(function () {
  "use strict";
  var VERDICT_KEYS = { c: "confirmed", f: "false_alarm", t: "temporal_update", n: "needs_more" };

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  function go(id) {
    var a = document.getElementById(id);
    if (a && a.href) { window.location.href = a.href; return true; }
    return false;
  }

  // queue: a selected row that j/k move and Enter opens
  var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tr.row"));
  var sel = -1;
  function select(i) {
    if (!rows.length) return;
    i = Math.max(0, Math.min(rows.length - 1, i));
    if (sel >= 0 && rows[sel]) rows[sel].classList.remove("selected");
    sel = i;
    rows[sel].classList.add("selected");
    rows[sel].focus({ preventScroll: true });
    rows[sel].scrollIntoView({ block: "nearest" });
  }
  rows.forEach(function (row, i) {
    row.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) return;
      window.location.href = row.getAttribute("data-href");
    });
    row.addEventListener("mouseenter", function () { if (sel !== i) { select(i); } });
  });

  // queue filters: with "Different figures" ticked, the default label is any label (the server decides; this only
  // keeps the option's text honest before the form is sent)
  var differs = document.getElementById("f-differs");
  var labelDefault = document.getElementById("f-label-default");
  if (differs && labelDefault) {
    differs.addEventListener("change", function () {
      labelDefault.textContent = labelDefault.getAttribute(differs.checked ? "data-differs" : "data-plain");
    });
  }

  var help = document.getElementById("help");
  var helpToggle = document.getElementById("help-toggle");
  if (helpToggle && help) helpToggle.addEventListener("click", function () { help.hidden = !help.hidden; });

  var form = document.getElementById("verdict-form");
  function verdict(status, advance) {
    var btn = document.getElementById("v-" + status);
    if (!form || !btn) return false;
    document.getElementById("advance").value = advance ? "1" : "0";
    if (form.requestSubmit) { form.requestSubmit(btn); } else { btn.click(); }
    return true;
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "Escape") {
      if (help) help.hidden = true;
      if (typing(document.activeElement)) document.activeElement.blur();
      return;
    }
    if (typing(ev.target)) return;
    var key = ev.key;
    var lower = key.length === 1 ? key.toLowerCase() : key;
    var handled = false;
    if (key === "?") { if (help) { help.hidden = !help.hidden; } handled = true; }
    else if (key === "/") { var q = document.getElementById("f-q"); if (q) { q.focus(); handled = true; } }
    else if (form && VERDICT_KEYS[lower]) { handled = verdict(VERDICT_KEYS[lower], key !== lower); }
    else if (form && lower === "e") { document.getElementById("note").focus(); handled = true; }
    else if (rows.length) {
      if (key === "j" || key === "ArrowDown") { select(sel + 1); handled = true; }
      else if (key === "k" || key === "ArrowUp") { select(sel - 1); handled = true; }
      else if ((key === "Enter" || key === "o") && sel >= 0) { window.location.href = rows[sel].getAttribute("data-href"); handled = true; }
    } else {
      if (key === "j" || key === "ArrowRight") handled = go("next");
      else if (key === "k" || key === "ArrowLeft") handled = go("prev");
      else if (key === "u") handled = go("back");
      else if (key === "g") handled = go("cluster-link");
    }
    if (handled) ev.preventDefault();
  });
})();
