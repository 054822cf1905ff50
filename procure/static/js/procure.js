/* procure: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Amounts are summed in fen (integers), never in floating-point yuan. */
  function toFen(text) {
    var value = String(text || "").replace(/,/g, "").trim();
    if (!/^\d+(\.\d{0,2})?$/.test(value)) return null;
    var parts = value.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  function formatFen(fen) {
    var yuan = Math.floor(fen / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return yuan + "." + String(fen % 100).padStart(2, "0");
  }

  /* ---- tables with add/remove row: names follow WTForms' FieldList (prefix-N-field) ---- */
  function nextIndex(table, name) {
    var max = -1;
    var pattern = new RegExp("^" + name + "-(\\d+)-");
    table.querySelectorAll("tbody [name]").forEach(function (input) {
      var match = pattern.exec(input.name);
      if (match) max = Math.max(max, parseInt(match[1], 10));
    });
    return max + 1;
  }

  function addRow(button) {
    var name = button.getAttribute("data-add-row");
    var scope = button.closest("form") || document;
    var table = scope.querySelector('table[data-rows="' + name + '"]');
    if (!table) return;
    var template = table.querySelector("template");
    var body = table.querySelector("tbody");
    var index = nextIndex(table, name);
    var number = body.querySelectorAll("tr.row").length + 1;
    var html = template.innerHTML.replace(/__index__/g, String(index)).replace(/__number__/g, String(number));
    body.insertAdjacentHTML("beforeend", html);
    var added = body.lastElementChild;
    var first = added && added.querySelector("input, select, textarea");
    if (first) first.focus();
    refresh(table.closest("form"));
  }

  function removeRow(button) {
    var row = button.closest("tr");
    var form = button.closest("form");
    if (row) row.remove();
    refresh(form);
  }

  /* ---- live totals: the budget against the amount asked and the class cap; milestone percentages ---- */
  function refreshBudget(form) {
    var summary = form.querySelector("[data-budget-summary]");
    if (!summary) return;
    var total = 0;
    var complete = true;
    form.querySelectorAll("[data-amount]").forEach(function (input) {
      if (input.value.trim() === "") return;
      var fen = toFen(input.value);
      if (fen === null) complete = false; else total += fen;
    });
    var requestedInput = form.querySelector("[data-requested]");
    var requested = requestedInput ? toFen(requestedInput.value) : null;
    var cap = toFen(summary.getAttribute("data-cap"));
    summary.querySelector("[data-budget-total]").textContent = formatFen(total);
    summary.querySelector("[data-budget-requested]").textContent = requested === null ? "—" : formatFen(requested);
    var status = summary.querySelector("[data-budget-status]");
    var messages = [];
    var ok = complete && requested !== null && total === requested;
    if (requested !== null) messages.push(ok ? status.getAttribute("data-ok") : status.getAttribute("data-mismatch"));
    if (cap !== null && requested !== null && requested > cap) { messages.push(status.getAttribute("data-over")); ok = false; }
    status.textContent = messages.join("；");
    summary.classList.toggle("is-ok", ok);
    summary.classList.toggle("is-bad", requested !== null && !ok);
  }

  function refreshPercent(form) {
    var out = form.querySelector("[data-percent-total]");
    if (!out) return;
    var sum = 0;
    form.querySelectorAll('input[name$="-percent"]').forEach(function (input) {
      var value = parseInt(input.value, 10);
      if (!isNaN(value)) sum += value;
    });
    out.textContent = out.getAttribute("data-label") + "：" + sum + "%";
    out.classList.toggle("ok", sum === 100);
    out.classList.toggle("bad", sum !== 100);
  }

  function refresh(form) {
    if (!form) return;
    refreshBudget(form);
    refreshPercent(form);
  }

  document.addEventListener("click", function (event) {
    /* A print button (the survey slips and poster). */
    if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); return; }
    var add = event.target.closest("[data-add-row]");
    if (add) { event.preventDefault(); addRow(add); return; }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) { event.preventDefault(); removeRow(remove); }
  });

  document.addEventListener("input", function (event) {
    refresh(event.target.closest("form"));
  });

  /* A choice that takes effect at once (the calendar's year): the form is sent on change; without this
     file, the form's own button (in <noscript>) sends it. */
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });

  /* A filter among many organisations is a search box (procure/pickers.py): its suggestions are fetched once,
     when it is first used, into its <datalist>; without them the box still takes a typed name. */
  document.addEventListener("focusin", function (event) {
    var box = event.target.closest("input[data-options]");
    if (!box || box.dataset.loaded) return;
    box.dataset.loaded = "1";
    var list = document.getElementById(box.getAttribute("list"));
    fetch(box.dataset.options, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { options: [] }; })
      .then(function (data) {
        var fragment = document.createDocumentFragment();
        data.options.forEach(function (name) {
          var option = document.createElement("option");
          option.value = name;
          fragment.appendChild(option);
        });
        list.appendChild(fragment);
      })
      .catch(function () { delete box.dataset.loaded; });
  });

  /* Irreversible actions (withdraw, cancel, reject) ask once more. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    /* A second click while the page is loading must not send the form twice. */
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelectorAll('button[type="submit"]').forEach(function (b) { b.setAttribute("aria-busy", "true"); });
  });

  /* Returning to a page from the history cache re-enables its forms. */
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) { delete form.dataset.sent; });
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(refresh);
  });
})();
