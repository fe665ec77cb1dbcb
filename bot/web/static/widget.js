// The web chat on a municipality's page, from one tag:
//   <script src="https://chat.gemeente.nl/static/widget.js" data-language="nl"
//           data-municipality="midden-drenthe" async></script>
// It adds one iframe of the chat's /embed page (see bot/web/embed.py for why an iframe) and
// only places and sizes it; everything else happens inside the frame, on the chat's origin.
// No markup, no style sheet and no global name are added to the page.
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || !script.src) {
    return;
  }
  const chatOrigin = new URL(script.src).origin;
  const query = new URLSearchParams();
  for (const name of ["language", "municipality"]) {
    if (script.dataset[name]) {
      query.set(name === "language" ? "lang" : name, script.dataset[name]);
    }
  }

  const frame = document.createElement("iframe");
  frame.src = chatOrigin + "/embed?" + query.toString();
  frame.title = script.dataset.title || "Chat";
  frame.setAttribute("data-webchat", "");
  // Inline and !important: the page's own style sheets cannot move or hide the frame.
  function setStyle(properties) {
    for (const [name, value] of Object.entries(properties)) {
      frame.style.setProperty(name, value, "important");
    }
  }
  setStyle({
    position: "fixed", bottom: "0.5rem", right: "0.5rem", "z-index": "2147483000",
    border: "0", margin: "0", padding: "0", background: "transparent",
    "color-scheme": "normal", width: "0", height: "0",
    "max-width": "calc(100vw - 1rem)", "max-height": "calc(100vh - 1rem)",
  });

  // The frame says whether the chat is open and how large its launcher is.
  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.origin !== chatOrigin || event.source !== frame.contentWindow || !data
        || (data.webchat !== "open" && data.webchat !== "closed")) {
      return;
    }
    if (typeof data.title === "string" && data.title) {
      frame.title = data.title;
    }
    if (data.webchat === "open") {
      setStyle({ width: "25rem", height: "40rem" });
    } else {
      setStyle({ width: Math.min(Number(data.width) || 0, 600) + "px",
                 height: Math.min(Number(data.height) || 0, 200) + "px" });
    }
  });

  function add() {
    document.body.appendChild(frame);
  }
  if (document.body) {
    add();
  } else {
    document.addEventListener("DOMContentLoaded", add);
  }
})();
