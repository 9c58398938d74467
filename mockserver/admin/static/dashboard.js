// tfso-mock dashboard: the buttons and forms that change something call the control API's JSON
// endpoints with fetch(); the request journal polls for rows newer than the newest shown.
(function () {
  "use strict";
  var tokenMeta = document.querySelector('meta[name="tfso-admin-token"]');
  var token = tokenMeta ? tokenMeta.content : "";
  var flash = document.getElementById("flash");

  function headers(json) {
    var h = { "Accept": "application/json" };
    if (json) h["Content-Type"] = "application/json";
    if (token) h["Authorization"] = "Bearer " + token;
    return h;
  }

  // absolute, from the origin: a page opened as http://user:token@host/... must not hand its
  // credentials to fetch(), which refuses URLs that carry them
  function here(path) { return new URL(path, location.origin).href; }

  function say(text, failed) {
    flash.textContent = text;
    flash.classList.toggle("failed", !!failed);
  }

  // "Clock set to {now}" with the answer's fields filled in
  function fill(template, answer) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return answer && answer[key] !== undefined ? String(answer[key]) : "";
    });
  }

  function call(el, body) {
    var controls = el.tagName === "FORM" ? el.querySelectorAll("button, input") : [el];
    Array.prototype.forEach.call(controls, function (c) { c.disabled = true; });
    fetch(here(el.dataset.url), {
      method: el.dataset.method, headers: headers(true), body: JSON.stringify(body || {}),
      credentials: "same-origin", cache: "no-store"
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (answer) {
        if (!resp.ok) {
          var msg = answer && answer.error ? answer.error.message : resp.status + " " + resp.statusText;
          throw new Error(msg);
        }
        // the page is rendered again with the new state; the message survives the reload
        sessionStorage.setItem("tfso-flash", fill(el.dataset.done || "Done", answer));
        location.reload();
      });
    }).catch(function (err) {
      say("Failed: " + err.message, true);
      Array.prototype.forEach.call(controls, function (c) { c.disabled = false; });
    });
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button.api");
    if (btn) { ev.preventDefault(); call(btn, {}); }
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.classList.contains("api")) return;
    ev.preventDefault();
    var body = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name]"), function (input) {
      body[input.name] = input.dataset.type === "number" ? Number(input.value) : input.value;
    });
    call(form, body);
  });

  var saved = sessionStorage.getItem("tfso-flash");
  if (saved) { sessionStorage.removeItem("tfso-flash"); say(saved, false); }

  // --- the request journal, live --------------------------------------------------------
  var rows = document.getElementById("request-rows");
  var live = document.getElementById("live");
  var status = document.getElementById("requests-status");
  if (!rows) return;
  var busy = false;

  function poll() {
    if (busy || !live.checked || document.hidden) return;
    busy = true;
    var url = here(rows.dataset.src) + (rows.dataset.src.indexOf("?") < 0 ? "?" : "&") +
              "after=" + encodeURIComponent(rows.dataset.after);
    fetch(url, { headers: headers(false), credentials: "same-origin", cache: "no-store" })
      .then(function (resp) {
        if (!resp.ok) throw new Error(resp.status + " " + resp.statusText);
        return resp.text();
      }).then(function (html) {
        var tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        var fresh = tpl.content.querySelectorAll("tr");
        if (fresh.length) {
          rows.dataset.after = fresh[0].dataset.id;
          Array.prototype.forEach.call(fresh, function (tr) { tr.classList.add("new"); });
          rows.insertBefore(tpl.content, rows.firstChild);
          while (rows.rows.length > 500) rows.deleteRow(rows.rows.length - 1);
          status.textContent = fresh.length + " new request" + (fresh.length === 1 ? "" : "s") +
            " at " + new Date().toLocaleTimeString() + "; newest first.";
        }
      }).catch(function (err) {
        status.textContent = "Live update failed: " + err.message;
      }).then(function () { busy = false; });
  }

  setInterval(poll, 2000);
})();
