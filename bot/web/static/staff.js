// The live pages of the staff console, without a reload:
// - the conversation: new lines by a long poll of …/lines, a reply sent without leaving the
//   page (every text set with textContent);
// - the queue: its table again by a long poll of …/queue/rows whenever a request comes, is
//   taken or ends (the server renders it, escaped, as for the page itself).
// Without JavaScript the forms post and the queue page reloads itself every 15 s.
(function () {
  "use strict";

  function sleep(milliseconds) {
    return new Promise((resolve) => setTimeout(resolve, milliseconds));
  }

  liveQueue();
  const list = document.getElementById("live-lines");
  if (!list) {
    return;
  }
  const form = document.getElementById("say");
  const status = document.getElementById("live-status");
  let after = Number(list.dataset.after) || 0;

  function addLine(line) {
    const item = document.createElement("li");
    item.className = "staff-line staff-line-" + line.author;
    const who = document.createElement("span");
    who.className = "staff-who";
    const name = line.author === "staff" ? line.name
      : list.dataset["who" + line.author.charAt(0).toUpperCase() + line.author.slice(1)];
    who.textContent = line.at + " " + (name || "");
    const said = document.createElement("span");
    said.className = "staff-said";
    said.dir = "auto";
    said.textContent = line.text;
    item.append(who, " ", said);
    list.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }

  async function poll() {
    for (;;) {
      let data = null;
      try {
        const response = await fetch(list.dataset.linesUrl + "?after=" + after,
          { credentials: "same-origin", cache: "no-store" });
        if (response.redirected || !response.ok) { // logged out, or refused
          return;
        }
        data = await response.json();
      } catch (networkError) {
        await sleep(5000);
        continue;
      }
      for (const line of data.lines) {
        addLine(line);
      }
      after = Math.max(after, data.after);
      if (data.status === "closed") {
        status.textContent = list.dataset.closedText;
        if (form) {
          form.querySelector("button").disabled = true;
        }
        return;
      }
    }
  }

  if (form) {
    const text = form.querySelector("textarea");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (text.value.trim() === "") {
        return;
      }
      const body = new FormData(form);
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        const response = await fetch(form.action, {
          method: "POST", body: body, credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (response.ok) {
          text.value = ""; // the line itself comes back through the poll
        }
      } finally {
        button.disabled = false;
        text.focus();
      }
    });
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
  poll();

  // The queue page: the table is replaced when it changed; the keyboard focus stays on the
  // same button or link (found by its form's action or its address) and a status line says
  // so for screen readers.
  function liveQueue() {
    const box = document.getElementById("queue-live");
    if (!box) {
      return;
    }
    const status = document.getElementById("queue-status");
    let version = box.dataset.version;

    function focusKey() {
      const active = document.activeElement;
      if (!active || !box.contains(active)) {
        return null;
      }
      const form = active.closest("form");
      return form ? ["form", form.getAttribute("action")] : ["a", active.getAttribute("href")];
    }

    function refocus(key) {
      if (!key || !key[1]) {
        return;
      }
      const target = key[0] === "form"
        ? box.querySelector('form[action="' + CSS.escape(key[1]) + '"] button')
        : box.querySelector('a[href="' + CSS.escape(key[1]) + '"]');
      if (target) {
        target.focus();
      }
    }

    async function pollQueue() {
      for (;;) {
        let data = null;
        try {
          const response = await fetch(box.dataset.rowsUrl + "?version="
            + encodeURIComponent(version), { credentials: "same-origin", cache: "no-store" });
          if (response.redirected || !response.ok) { // logged out, or refused
            return;
          }
          data = await response.json();
        } catch (networkError) {
          await sleep(5000);
          continue;
        }
        if (typeof data.html === "string" && data.version !== version) {
          const key = focusKey();
          box.innerHTML = data.html;
          refocus(key);
          status.textContent = box.dataset.changedText.replace("{waiting}", String(data.waiting));
        }
        version = data.version;
      }
    }

    pollQueue();
  }
})();
