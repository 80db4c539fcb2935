// The tutor chat page: one websocket per open chat, frames as in docs/architecture.md ("The path of a chat turn").
// No inline script (the Content Security Policy forbids it): configuration comes from
// data-* attributes on #tutor, and every piece of text goes in through textContent. Only
// the `html` of a reply is set as markup: the server renders and sanitises it (nh3).
"use strict";

(() => {
  const root = document.getElementById("tutor");
  if (!root) return;
  const conversation = document.getElementById("conversation");
  const form = document.getElementById("composer");
  const input = document.getElementById("question");
  const sendButton = document.getElementById("send");
  const stopButton = document.getElementById("stop");
  const retryButton = document.getElementById("retry");
  const banner = document.getElementById("tutor-banner");
  const bannerText = banner.querySelector(".banner-text");
  const reconnectButton = document.getElementById("reconnect");
  const live = document.getElementById("tutor-live");
  // Screen readers hear "answering…" and then the finished reply once, not every token.
  const say = (text) => { if (live) live.textContent = text; };

  let chatId = root.dataset.chatId || "";
  let initialQuestion = root.dataset.initialQuestion || "";
  // A chat opened from a practice task: the first socket names the task; later ones the chat.
  const practiceTask = root.dataset.practiceTask || "";
  let socket = null;
  let ready = false;
  let streaming = null; // {id, li, body, text, tokens}
  let pendingQuestion = null;

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  function showBanner(message, { kind = "error", reconnect = false } = {}) {
    bannerText.textContent = message;
    banner.dataset.kind = kind;
    reconnectButton.hidden = !reconnect;
    banner.hidden = false;
  }

  function hideBanner() {
    banner.hidden = true;
    reconnectButton.hidden = true;
  }

  function updateControls() {
    const busy = streaming !== null;
    sendButton.disabled = !ready || busy || input.value.trim() === "";
    stopButton.hidden = !busy;
    const hasReply = conversation.querySelector(".msg.assistant.status-complete") !== null;
    retryButton.disabled = !ready || busy || !hasReply;
  }

  function scrollToEnd() {
    conversation.scrollTop = conversation.scrollHeight;
    const last = conversation.lastElementChild;
    if (last && last.getBoundingClientRect().bottom > window.innerHeight) {
      last.scrollIntoView({ block: "end" });
    }
  }

  function userItem(text, id) {
    const li = el("li", "msg user");
    if (id) li.dataset.id = id;
    li.append(el("div", "bubble", text));
    return li;
  }

  function setStatus(li, status) {
    li.className = li.className.replace(/\bstatus-\S+/g, "").trim() + ` status-${status}`;
    li.dataset.status = status;
    const old = li.querySelector(".reply-note.status-note");
    if (old) old.remove();
    const notes = { stopped: "Stopped.", superseded: "Replaced by a newer answer.", error: "The tutor could not answer this one." };
    if (notes[status]) {
      const note = el("p", "reply-note status-note", notes[status]);
      li.querySelector(".bubble").insertBefore(note, li.querySelector(".reply-foot"));
    }
  }

  function ratingControls(id, rating) {
    const box = el("span", "rating");
    for (const [value, label, title] of [[1, "✓ Helpful", "Helpful"], [-1, "✗ Not helpful", "Not helpful"]]) {
      const b = el("button", "rate", label);
      b.type = "button";
      b.title = title;
      b.dataset.value = String(value);
      b.setAttribute("aria-label", title);
      b.setAttribute("aria-pressed", String(rating === value));
      b.addEventListener("click", () => {
        const pressed = b.getAttribute("aria-pressed") === "true";
        send({ type: "rate", message_id: Number(id), value: pressed ? 0 : value });
      });
      box.append(b);
    }
    return box;
  }

  function finishReply(li, m) {
    const bubble = li.querySelector(".bubble");
    const body = li.querySelector(".reply-body");
    if (m.html) body.innerHTML = m.html; // server-rendered and sanitised
    bubble.querySelectorAll(".sources, .reply-foot").forEach((n) => n.remove());
    if (m.sources && m.sources.length) {
      const sources = el("p", "sources");
      sources.append(el("span", "", "Sources:"));
      for (const s of m.sources) sources.append(" ", el("span", "source", s.title));
      bubble.append(sources);
    }
    // Token counts and timings stay in the done frame (and the admin): students don't see them.
    const foot = el("div", "reply-foot");
    if (m.status === "complete" || m.status === "superseded") foot.append(ratingControls(m.message_id || m.id, m.rating || 0));
    bubble.append(foot);
  }

  function replyItem(m) {
    const li = el("li", "msg assistant");
    li.dataset.id = m.id;
    const bubble = el("div", "bubble");
    bubble.append(el("div", "reply-body"));
    li.append(bubble);
    finishReply(li, m);
    setStatus(li, m.status === "streaming" ? "streaming" : m.status);
    return li;
  }

  function renderChat(frame) {
    // A new chat keeps the server-rendered welcome.
    if (!frame.messages.length && document.getElementById("intro")) return;
    conversation.replaceChildren();
    for (const m of frame.messages) {
      conversation.append(m.role === "user" ? userItem(m.text, m.id) : replyItem(m));
    }
    scrollToEnd();
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    showBanner("Not connected to the tutor.", { reconnect: true });
    return false;
  }

  function ask(text) {
    if (!send({ type: "ask", text })) return;
    pendingQuestion = userItem(text);
    conversation.append(pendingQuestion);
    hideBanner();
    scrollToEnd();
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "chat": {
        ready = true;
        const isNew = !chatId;
        chatId = String(frame.chat_id);
        root.dataset.chatId = chatId;
        if (isNew || location.search) history.replaceState(null, "", `/tutor/${chatId}/`);
        renderChat(frame);
        hideBanner();
        if (initialQuestion && !frame.messages.length) ask(initialQuestion);
        initialQuestion = "";
        break;
      }
      case "start": {
        document.getElementById("intro")?.remove();
        const li = el("li", "msg assistant status-streaming");
        li.dataset.id = frame.message_id;
        li.dataset.tokens = "0";
        const bubble = el("div", "bubble");
        const body = el("div", "reply-body streaming-text");
        bubble.append(body);
        li.append(bubble);
        li.setAttribute("aria-busy", "true");
        conversation.append(li);
        streaming = { id: frame.message_id, li, body, text: "", tokens: 0 };
        say("The tutor is answering…");
        if (pendingQuestion && frame.user_message_id) pendingQuestion.dataset.id = frame.user_message_id;
        pendingQuestion = null;
        break;
      }
      case "token": {
        if (!streaming) break;
        streaming.text += frame.text;
        streaming.tokens += 1;
        streaming.body.textContent = streaming.text;
        streaming.li.dataset.tokens = String(streaming.tokens);
        scrollToEnd();
        break;
      }
      case "done": {
        const li = streaming && streaming.id === frame.message_id ? streaming.li
          : conversation.querySelector(`.msg.assistant[data-id="${frame.message_id}"]`);
        if (li) {
          li.querySelector(".reply-body").classList.remove("streaming-text");
          li.removeAttribute("aria-busy");
          finishReply(li, { ...frame, status: "complete" });
          setStatus(li, "complete");
          say(`Tutor: ${li.querySelector(".reply-body").textContent.trim()}`);
        }
        if (frame.supersedes) {
          const old = conversation.querySelector(`.msg.assistant[data-id="${frame.supersedes}"]`);
          if (old) setStatus(old, "superseded");
        }
        streaming = null;
        addToChatList();
        scrollToEnd();
        break;
      }
      case "stopped": {
        if (streaming && streaming.id === frame.message_id) {
          streaming.body.classList.remove("streaming-text");
          if (frame.html) streaming.body.innerHTML = frame.html; // sanitised by the server
          streaming.li.removeAttribute("aria-busy");
          setStatus(streaming.li, "stopped");
          say("Reply stopped.");
        }
        streaming = null;
        break;
      }
      case "rated": {
        const li = conversation.querySelector(`.msg.assistant[data-id="${frame.message_id}"]`);
        li?.querySelectorAll(".rate").forEach((b) => {
          b.setAttribute("aria-pressed", String(Number(b.dataset.value) === frame.value));
        });
        break;
      }
      case "error": {
        if (frame.message_id && streaming && streaming.id === frame.message_id) {
          streaming.body.classList.remove("streaming-text");
          setStatus(streaming.li, "error");
          streaming = null;
        } else if (pendingQuestion && ["busy", "rate_limited", "too_long", "bad_request", "unavailable"].includes(frame.code)) {
          pendingQuestion.classList.add("not-sent");
          pendingQuestion = null;
        }
        const kind = frame.code === "unavailable" || frame.code === "internal" ? "error" : "warn";
        showBanner(frame.message, { kind });
        banner.dataset.code = frame.code;
        break;
      }
      default:
        break;
    }
    updateControls();
  }

  function addToChatList() {
    let list = document.getElementById("chat-list");
    if (list && list.querySelector(`a[href="/tutor/${chatId}/"]`)) return;
    if (!list) {
      document.getElementById("chat-list-empty")?.remove();
      list = el("ul");
      list.id = "chat-list";
      (document.querySelector("[data-chat-list]") || document.querySelector(".tutor-chats")).append(list);
    }
    const first = conversation.querySelector(".msg.user .bubble");
    const li = el("li");
    const a = el("a");
    a.href = `/tutor/${chatId}/`;
    a.setAttribute("aria-current", "page");
    const title = first ? first.textContent.trim() : "New chat";
    a.append(el("span", "chat-title", title.length > 60 ? `${title.slice(0, 60)}…` : title));
    a.append(el("span", "chat-when", "just now"));
    li.append(a);
    list.prepend(li);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    let path = "/ws/tutor/";
    if (chatId) {
      path = `/ws/tutor/${chatId}/`;
    } else if (practiceTask) {
      path = `/ws/tutor/?practice_task=${encodeURIComponent(practiceTask)}`;
    }
    ready = false;
    updateControls();
    socket = new WebSocket(`${scheme}://${location.host}${path}`);
    socket.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      onFrame(frame);
    });
    socket.addEventListener("close", (event) => {
      ready = false;
      if (streaming) {
        streaming.body.classList.remove("streaming-text");
        setStatus(streaming.li, "stopped");
        streaming = null;
      }
      if (event.code === 4401) {
        showBanner("Your session has ended. Log in again to keep chatting.");
      } else if (event.code === 4404) {
        showBanner("That chat does not exist. Start a new one from the list.");
      } else {
        showBanner("The connection to the tutor was lost.", { reconnect: true });
      }
      updateControls();
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || streaming || !ready) return;
    ask(text);
    input.value = "";
    updateControls();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", updateControls);
  stopButton.addEventListener("click", () => send({ type: "stop" }));
  retryButton.addEventListener("click", () => {
    if (send({ type: "retry" })) {
      pendingQuestion = userItem("Try again");
      conversation.append(pendingQuestion);
      hideBanner();
      updateControls();
    }
  });
  reconnectButton.addEventListener("click", () => {
    hideBanner();
    connect();
  });

  // The chat frame re-renders the server-rendered conversation, with its controls.
  connect();
})();
