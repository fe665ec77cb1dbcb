// Web chat page: sends what the person types or presses to /api/messages and shows the replies.
// Every text is set with textContent, never innerHTML. On a reload /api/start returns the
// conversation so far (read from Rasa's tracker), so nothing is kept in the browser.
// While a medewerker of the municipality has (or may soon take) the conversation, the page
// long-polls /api/live for their lines and the notices of their joining and leaving.
(function () {
  "use strict";

  const chat = document.getElementById("chat");
  const scroller = document.getElementById("scroll");
  const log = document.getElementById("messages");
  const form = document.getElementById("composer");
  const input = document.getElementById("message-input");
  const sendButton = document.getElementById("send-button");
  const typing = document.getElementById("typing");
  const newConversationButton = document.getElementById("new-conversation");
  // Only in the widget (/embed): the button that opens the chat and the one that closes it.
  const launcher = document.getElementById("widget-launcher");
  const closeButton = document.getElementById("widget-close");
  const embedded = chat.dataset.mode === "embedded";

  let language = chat.dataset.language;
  let connectionError = chat.dataset.connectionError;
  let busy = false;
  let liveAfter = 0; // the last live line shown
  let listening = 0; // the generation of the running long poll (0: none)
  let generation = 0;
  let pendingLiveLines = []; // a reload: the live lines so far, shown after the history
  let feedbackCount = 0; // ids of the feedback questions (each names its group)

  // A request that did not get an answer; `messages` holds the server's friendly text, if any.
  class NotDelivered extends Error {
    constructor(messages) {
      super("not delivered");
      this.messages = messages;
    }
  }

  function scrollToEnd() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  function addBubble(author, text) {
    const bubble = document.createElement("p");
    bubble.className = "message message-" + author;
    bubble.dir = "auto"; // each message in its own script's direction, also on an rtl page
    bubble.textContent = text;
    log.appendChild(bubble);
    scrollToEnd();
    return bubble;
  }

  function setRowEnabled(row, enabled) {
    for (const button of row.querySelectorAll("button")) {
      button.disabled = !enabled;
    }
  }

  function addButtonRow(buttons) {
    const row = document.createElement("div");
    row.className = "button-row";
    row.setAttribute("role", "group");
    for (const { title, payload, url } of buttons) {
      if (url) { // the download of the person's own data: a link, not a message
        const link = document.createElement("a");
        link.className = "button-link";
        link.href = url;
        link.dir = "auto";
        link.setAttribute("download", "");
        link.textContent = title;
        row.appendChild(link);
        continue;
      }
      const button = document.createElement("button");
      button.type = "button";
      button.dir = "auto";
      button.textContent = title;
      button.addEventListener("click", () => pressButton(row, title, payload));
      row.appendChild(button);
    }
    log.appendChild(row);
    scrollToEnd();
    return row;
  }

  // "Did this answer help?" under an answer: two small buttons (a thumb each, named for
  // screen readers in the message's language). A press sends the button's payload like any
  // other button, once: both are disabled after it and the chosen one stays pressed.
  function addFeedback(feedback, lang) {
    const group = document.createElement("div");
    group.className = "feedback";
    group.setAttribute("role", "group");
    if (lang) {
      group.lang = lang;
    }
    const question = document.createElement("span");
    question.className = "feedback-question";
    question.dir = "auto";
    question.textContent = feedback.question;
    question.id = "feedback-" + (++feedbackCount);
    group.setAttribute("aria-labelledby", question.id);
    group.appendChild(question);
    const choices = [];
    for (const [choice, glyph] of [[feedback.up, "\u{1F44D}"], [feedback.down, "\u{1F44E}"]]) {
      if (!choice || typeof choice.payload !== "string") {
        return;
      }
      const button = document.createElement("button");
      button.type = "button";
      button.className = "feedback-choice";
      button.setAttribute("aria-label", choice.title);
      button.setAttribute("aria-pressed", "false");
      button.title = choice.title;
      const icon = document.createElement("span");
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = glyph;
      button.appendChild(icon);
      button.addEventListener("click", () => giveFeedback(choices, button, choice.payload));
      choices.push(button);
      group.appendChild(button);
    }
    log.appendChild(group);
    scrollToEnd();
  }

  async function giveFeedback(choices, chosen, payload) {
    if (busy) {
      return;
    }
    for (const button of choices) {
      button.disabled = true;
    }
    chosen.setAttribute("aria-pressed", "true");
    if (await exchange("/api/messages", { payload: payload })) {
      input.focus(); // a remark, if asked for, is typed there
    } else {
      chosen.setAttribute("aria-pressed", "false");
      for (const button of choices) {
        button.disabled = false;
      }
      chosen.focus();
    }
  }

  // After a booking, a move or a cancellation: "In mijn agenda zetten" (the .ics) and the
  // printable confirmation. On the chat page the confirmation opens in a new tab; in the
  // widget in this frame (and leads back to it): the session cookie of a frame on another
  // site is partitioned to that site, so a tab of its own would not be this conversation.
  function addKeepsakes(calendar, lang) {
    if (!String(calendar.ics).startsWith("/appointments/")
        || !String(calendar.confirmation).startsWith("/appointments/")) {
      return;
    }
    const query = "?lang=" + encodeURIComponent(language);
    const links = document.createElement("p");
    links.className = "message-links";
    if (lang) {
      links.lang = lang;
    }
    const download = document.createElement("a");
    download.href = calendar.ics + query;
    if (!embedded) {
      // In the widget a plain link: the frame's navigation carries the frame's (partitioned)
      // cookie and the server's "attachment" makes it a download; a download attribute
      // would hand the request to the browser's download manager, without that cookie.
      download.setAttribute("download", "");
    }
    download.dir = "auto";
    download.textContent = calendar.ics_label;
    const print = document.createElement("a");
    print.href = calendar.confirmation + query + (embedded ? "&embedded=1" : "");
    if (!embedded) {
      print.target = "_blank";
      print.rel = "noopener";
    }
    print.dir = "auto";
    print.textContent = calendar.confirmation_label;
    links.append(download, print);
    log.appendChild(links);
    scrollToEnd();
  }

  // Replies, or on a reload the conversation so far: messages the person sent have
  // author "user", and button rows already answered are shown disabled.
  // Each message carries its language (a conversation may switch): lang for screen readers,
  // dir=auto for its script's direction. Returns the last row of buttons still to answer.
  function showBotMessages(messages) {
    let openRow = null;
    for (const message of messages) {
      const bubble = addBubble(message.author === "user" ? "user" : "bot", message.text);
      if (message.lang) {
        bubble.lang = message.lang;
      }
      if (message.calendar && typeof message.calendar === "object") {
        addKeepsakes(message.calendar, message.lang);
      }
      if (Array.isArray(message.buttons) && message.buttons.length > 0) {
        const row = addButtonRow(message.buttons);
        if (message.lang) {
          row.lang = message.lang;
        }
        setRowEnabled(row, message.answered !== true);
        openRow = message.answered === true ? openRow : row;
      }
      if (message.feedback && typeof message.feedback === "object") {
        addFeedback(message.feedback, message.lang);
      }
    }
    return openRow;
  }

  // The person chose another language: the page's own texts and direction follow.
  function applyLanguage(page) {
    language = page.language;
    connectionError = page.connection_error;
    document.documentElement.lang = page.html_lang;
    document.documentElement.dir = page.dir;
    document.title = page.title;
    document.querySelector(".chat-title").textContent = page.title;
    document.querySelector(".chat-privacy").textContent = page.privacy;
    typing.textContent = page.typing;
    sendButton.textContent = page.send;
    newConversationButton.textContent = page.new_conversation;
    input.placeholder = page.placeholder;
    input.setAttribute("aria-label", page.placeholder);
    log.setAttribute("aria-label", page.conversation_label);
    if (embedded) {
      launcher.textContent = page.open_chat;
      closeButton.textContent = page.close_chat;
      tellHost();
    }
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    typing.hidden = !value;
    log.setAttribute("aria-busy", String(value));
    scrollToEnd();
  }

  async function post(path, body) {
    let response;
    try {
      response = await fetch(path + "?lang=" + encodeURIComponent(language), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        credentials: "same-origin",
      });
    } catch (networkError) {
      throw new NotDelivered([]);
    }
    let data = null;
    try {
      data = await response.json();
    } catch (notJson) {
      data = null;
    }
    if (data && data.page) {
      applyLanguage(data.page);
    }
    if (data && data.restarted === true) {
      log.replaceChildren(); // the conversation expired: the new one starts on a clean screen
      stopListening();
    }
    if (data && Array.isArray(data.live_lines)) {
      pendingLiveLines = data.live_lines;
    }
    if (data && data.live && Number.isInteger(data.live.after)) {
      listen(data.live.after);
    }
    const messages = data && Array.isArray(data.messages) ? data.messages : [];
    if (!response.ok || !data || data.delivered === false) {
      throw new NotDelivered(messages);
    }
    return messages;
  }

  // Sends one request and shows its answer; returns false when it did not get through.
  // ``focusNext``: after a button press the keyboard goes on at the new buttons, else at
  // the input (the pressed button is disabled now and would drop the focus to the page).
  async function exchange(path, body, focusNext = false) {
    setBusy(true);
    try {
      const openRow = showBotMessages(await post(path, body));
      for (const line of pendingLiveLines.splice(0)) {
        addLiveLine(line);
      }
      if (focusNext) {
        (openRow ? openRow.querySelector("button") : input).focus();
      }
      return true;
    } catch (error) {
      if (error instanceof NotDelivered && error.messages.length > 0) {
        showBotMessages(error.messages);
      } else {
        addBubble("error", connectionError).setAttribute("role", "alert");
      }
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function sendText(text) {
    const bubble = addBubble("user", text);
    input.value = "";
    if (!(await exchange("/api/messages", { text: text }))) {
      bubble.classList.add("message-failed");
      input.value = input.value ? text + " " + input.value : text;
      input.focus();
    }
  }

  async function pressButton(row, title, payload) {
    if (busy) {
      return;
    }
    setRowEnabled(row, false);
    const bubble = addBubble("user", title);
    if (!(await exchange("/api/messages", { payload: payload, title: title }, true))) {
      bubble.classList.add("message-failed");
      setRowEnabled(row, true);
      row.querySelector("button").focus();
    }
  }

  function sleep(milliseconds) {
    return new Promise((resolve) => setTimeout(resolve, milliseconds));
  }

  // A line of the medewerker (with their name) or a notice; the text as it came.
  function addLiveLine(line) {
    const author = line.author === "staff" ? "staff" : "notice";
    const bubble = addBubble(author, line.text);
    if (line.lang) {
      bubble.lang = line.lang;
    }
    if (author === "staff" && line.name) {
      const name = document.createElement("span");
      name.className = "message-name";
      name.textContent = line.name;
      bubble.prepend(name);
    }
    if (Array.isArray(line.buttons) && line.buttons.length > 0) { // nobody free: call me back
      const row = addButtonRow(line.buttons);
      if (line.lang) {
        row.lang = line.lang;
      }
    }
  }

  // Long-polls for live lines until the server says the handover is over.
  async function listen(after) {
    liveAfter = Math.max(liveAfter, after);
    if (listening !== 0) {
      return;
    }
    const mine = ++generation;
    listening = mine;
    while (listening === mine) {
      let data = null;
      try {
        const response = await fetch("/api/live?after=" + liveAfter + "&lang=" +
          encodeURIComponent(language), { credentials: "same-origin", cache: "no-store" });
        data = response.ok ? await response.json() : null;
      } catch (networkError) {
        data = null;
      }
      if (listening !== mine) {
        break;
      }
      if (data === null) {
        await sleep(5000); // the server restarts or the network is gone: try again soon
        continue;
      }
      for (const line of data.messages || []) {
        addLiveLine(line);
      }
      liveAfter = Math.max(liveAfter, data.after || 0);
      if (data.live !== true) {
        listening = 0;
      }
    }
  }

  function stopListening() {
    listening = 0;
    liveAfter = 0;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (busy || text.trim() === "") {
      return;
    }
    sendText(text);
  });

  newConversationButton.addEventListener("click", () => {
    if (busy) {
      return;
    }
    log.replaceChildren();
    input.value = "";
    stopListening();
    exchange("/api/start", { new_conversation: true });
  });

  // The page around the widget sizes its frame: to the launcher while closed, to the chat
  // while open. Only the state and sizes are posted; nothing of the conversation.
  function tellHost() {
    if (window.parent === window) {
      return;
    }
    const box = launcher.getBoundingClientRect();
    window.parent.postMessage({
      webchat: chat.hidden ? "closed" : "open",
      title: document.title,
      width: Math.ceil(box.width + 16), // the launcher's margin: 0.5rem on each side
      height: Math.ceil(box.height + 16),
    }, "*");
  }

  let started = false;

  function openWidget() {
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    chat.hidden = false;
    tellHost();
    input.focus();
    if (!started) { // the first opening greets: a page view alone costs Rasa nothing
      started = true;
      exchange("/api/start", {});
    }
  }

  function closeWidget() {
    chat.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    tellHost();
    launcher.focus();
  }

  if (embedded) {
    launcher.addEventListener("click", openWidget);
    closeButton.addEventListener("click", closeWidget);
    chat.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        closeWidget();
      }
    });
    if (!chat.hidden) { // back from an appointment's confirmation: open, as it was left
      started = true;
      exchange("/api/start", {});
    }
    tellHost();
  } else {
    exchange("/api/start", {});
  }
})();
