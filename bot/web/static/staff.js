// The live conversation page of the staff console: new lines appear without a reload (a long
// poll of …/lines), and a reply is sent without leaving the page. Without JavaScript the form
// posts and the page reloads; every text is set with textContent.
(function () {
  "use strict";

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

  function sleep(milliseconds) {
    return new Promise((resolve) => setTimeout(resolve, milliseconds));
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
})();
