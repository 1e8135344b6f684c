// The Mini App. Telegram opens /app#tgWebAppData=…&tgWebAppThemeParams=… inside its own window;
// this script reads that fragment itself (Telegram's telegram-web-app.js is not loaded: no script
// from another host runs here), sends the init data with every API request as
// "Authorization: tma <initData>", and uses window.Telegram.WebApp only when something else put it
// there. Data reaches the DOM only through textContent; Plotly labels are entity-escaped.
"use strict";

(function () {
  const body = document.body;
  const API = body.dataset.api;
  const TEXTS = JSON.parse(document.getElementById("texts").textContent);
  const LANGUAGES = Object.keys(TEXTS);
  const TELEGRAM_WEB = "https://web.telegram.org";
  const STORED = "tgexchange.launch";
  const REQUEST_TIMEOUT_MS = 10000;
  const DAY_MS = 86400000;
  const $ = (id) => document.getElementById(id);
  const COLOURS = { verified: "#2e9d5b", rejected: "#d64545", expired: "#e0a030", skipped: "#8a94a6", cancelled: "#c9ced8" };
  const PLATFORM_COLOURS = { youtube: "#e62117", tiktok: "#25a4b0", instagram: "#c13584" };
  const PLATFORM_LABELS = { youtube: "YouTube", tiktok: "TikTok", instagram: "Instagram" };
  const CREDITS_IN = ["welcome", "payout", "refund", "grant"];
  const CREDITS_OUT = ["escrow"];
  const PERIODS = ["daily", "weekly", "monthly", "all"];
  // Extension points (fair play, operations): sections that render fields of /app/api/me and
  // /app/api/admin/<community> once those features exist, e.g.
  //   MEMBER_SECTIONS.push((me) => renderPenalties(me.penalties));
  // Nothing is registered here until the API has something true to show.
  const MEMBER_SECTIONS = [];
  const ADMIN_SECTIONS = [];

  let language = "en";
  let launch = { initData: "", theme: null };
  let me = null;
  let clockSkewMs = 0; // server time − device time: deadlines read against the server's clock
  let period = "all";
  let tab = "me";
  let plotly = null;

  // Texts ----------------------------------------------------------------------------------------

  function t(key, values) {
    const texts = TEXTS[language] || TEXTS.en;
    const text = key in texts ? texts[key] : TEXTS.en[key] !== undefined ? TEXTS.en[key] : key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (values && name in values ? String(values[name]) : whole));
  }

  function languageOf(code) {
    const base = String(code || "").split(/[-_]/)[0].toLowerCase();
    return LANGUAGES.includes(base) ? base : "en";
  }

  function setLanguage(code) {
    language = languageOf(code);
    document.documentElement.lang = language;
    for (const node of document.querySelectorAll("[data-text]")) node.textContent = t(node.dataset.text);
    document.title = t("page-title");
  }

  const number = (n) => new Intl.NumberFormat(language).format(n);

  function setText(id, text) {
    const node = $(id);
    if (node.textContent !== text) node.textContent = text;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // Telegram -------------------------------------------------------------------------------------

  function webApp() {
    return window.Telegram && window.Telegram.WebApp ? window.Telegram.WebApp : null;
  }

  // The launch parameters: from the fragment as Telegram passes them, else from a Telegram.WebApp
  // someone else loaded, else from this tab's earlier load (a reload inside Telegram).
  function readLaunch() {
    const hash = new URLSearchParams(window.location.hash.slice(1));
    let initData = hash.get("tgWebAppData") || "";
    let theme = null;
    try {
      theme = hash.get("tgWebAppThemeParams") ? JSON.parse(hash.get("tgWebAppThemeParams")) : null;
    } catch (error) {
      theme = null;
    }
    const app = webApp();
    if (!initData && app && app.initData) {
      initData = app.initData;
      theme = theme || app.themeParams || null;
    }
    try {
      if (initData) sessionStorage.setItem(STORED, JSON.stringify({ initData, theme }));
      else {
        const stored = JSON.parse(sessionStorage.getItem(STORED) || "null");
        if (stored && stored.initData) ({ initData, theme } = stored);
      }
    } catch (error) {
      // No session storage (a private window): the fragment is all there is.
    }
    return { initData, theme };
  }

  // What init data says about the user, unchecked: only to pick a language before the API answers.
  function claimedLanguage(initData) {
    try {
      return JSON.parse(new URLSearchParams(initData).get("user") || "{}").language_code || "";
    } catch (error) {
      return "";
    }
  }

  // Messages to Telegram's client: its web view's bridge, the desktop's, or the web client's frame.
  function postEvent(type, data) {
    const app = webApp();
    if (app) {
      if (type === "web_app_ready" && app.ready) app.ready();
      if (type === "web_app_expand" && app.expand) app.expand();
      return;
    }
    try {
      if (window.TelegramWebviewProxy && window.TelegramWebviewProxy.postEvent) {
        window.TelegramWebviewProxy.postEvent(type, JSON.stringify(data)); // as telegram-web-app.js sends it
      } else if (window.external && "notify" in window.external) {
        window.external.notify(JSON.stringify({ eventType: type, eventData: data }));
      } else if (window.parent !== window) {
        window.parent.postMessage(JSON.stringify({ eventType: type, eventData: data }), TELEGRAM_WEB);
      }
    } catch (error) {
      // Outside Telegram there is nobody to tell.
    }
  }

  function isColour(value) {
    return typeof value === "string" && /^#[0-9a-fA-F]{6}$/.test(value);
  }

  // Telegram's theme as CSS variables (--tg-theme-bg-color, …), which app.css reads with fallbacks.
  function applyTheme(theme) {
    if (!theme || typeof theme !== "object") return;
    const root = document.documentElement.style;
    for (const [key, value] of Object.entries(theme)) {
      if (/^[a-z_]+$/.test(key) && isColour(value)) root.setProperty(`--tg-theme-${key.replace(/_/g, "-")}`, value);
    }
    if (isColour(theme.bg_color)) {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(theme.bg_color.slice(i, i + 2), 16));
      root.colorScheme = 0.299 * r + 0.587 * g + 0.114 * b < 128 ? "dark" : "light";
    }
    if (me && tab === "admin" && lastAdmin) drawCharts(lastAdmin);
  }

  function listenToTelegram() {
    const receive = (type, data) => {
      if (type === "theme_changed" && data && data.theme_params) applyTheme(data.theme_params);
    };
    const app = webApp();
    if (app && app.onEvent) {
      app.onEvent("themeChanged", () => applyTheme(app.themeParams));
      return;
    }
    // Telegram's apps call window.Telegram.WebView.receiveEvent; its web client posts messages.
    window.Telegram = window.Telegram || {};
    if (!window.Telegram.WebView) window.Telegram.WebView = { receiveEvent: receive };
    window.addEventListener("message", (event) => {
      if (event.origin !== TELEGRAM_WEB) return;
      try {
        const message = JSON.parse(event.data);
        receive(message.eventType, message.eventData);
      } catch (error) {
        // Not a message of Telegram's.
      }
    });
  }

  // What a benchmark reads (bench/miniapp.py): when the numbers were in the DOM, and the frame
  // after (a timeout queued from an animation frame runs once that frame is painted).
  function ready(name) {
    performance.mark(`${name}-ready`);
    requestAnimationFrame(() => setTimeout(() => performance.mark(`${name}-painted`), 0));
  }

  // The API ----------------------------------------------------------------------------------------

  class Problem extends Error {
    constructor(kind, detail) {
      super(kind);
      this.kind = kind;
      this.detail = detail;
    }
  }

  async function api(path, options) {
    const headers = { Accept: "application/json", Authorization: `tma ${launch.initData}` };
    if (options && options.body) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(`${API}${path}`, {
        method: (options && options.method) || "GET",
        body: options && options.body ? JSON.stringify(options.body) : undefined,
        headers,
        credentials: "omit",
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Problem("failed");
    }
    if (response.ok) return response.json();
    let detail = "";
    try {
      const answer = await response.json();
      detail = typeof answer.detail === "string" ? answer.detail : "";
    } catch (error) {
      detail = "";
    }
    if (response.status === 401) throw new Problem("unauthorized", detail);
    if (response.status === 404) throw new Problem("not-member", detail);
    if (response.status === 422) throw new Problem("refused", detail);
    throw new Problem("failed", detail);
  }

  function showMessage(kind) {
    $("loading").hidden = true;
    for (const id of ["view-me", "view-admin", "tabs"]) $(id).hidden = true;
    $("view-message").hidden = false;
    setText("message-title", t(`${kind}-title`));
    setText("message-text", t(`${kind}-text`));
  }

  // Times ----------------------------------------------------------------------------------------

  function serverNow() {
    return Date.now() + clockSkewMs;
  }

  function relative(ms) {
    const format = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
    const minutes = Math.round(ms / 60000);
    if (Math.abs(minutes) < 60) return format.format(minutes, "minute");
    const hours = Math.round(ms / 3600000);
    if (Math.abs(hours) < 36) return format.format(hours, "hour");
    return format.format(Math.round(ms / 86400000), "day");
  }

  function due(iso) {
    const moment = new Date(iso);
    const clock = new Intl.DateTimeFormat(language, { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(moment);
    return `${clock} (${relative(moment.getTime() - serverNow())})`;
  }

  function when(iso) {
    return new Intl.DateTimeFormat(language, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
      new Date(iso)
    );
  }

  // Why a task ended as it did: a rejection's rule or outcome, a cancellation's cause; a reason the
  // catalogue does not know reads as a plain "rejected" (and says nothing for a cancellation).
  function reasonText(status, reason) {
    if (!reason) return "";
    const key = status === "cancelled" ? `cancel-reason-${reason}` : `reason-${reason}`;
    const text = t(key);
    if (text !== key) return text;
    return status === "cancelled" ? "" : t("reason-rejected");
  }

  // The member -----------------------------------------------------------------------------------

  function reliabilityText(r) {
    if (r.enough_history) return t("reliability-percent", { percent: r.percent });
    return r.decided === 0 ? t("reliability-new-none") : t("reliability-new", { verified: r.verified, decided: r.decided });
  }

  function fillList(id, items, render, empty) {
    const list = $(id);
    const nodes = items.length ? items.map(render) : [element("li", "empty", empty)];
    list.replaceChildren(...nodes);
  }

  function renderCredits(credits) {
    const rows = [];
    const amounts = [...CREDITS_IN, ...CREDITS_OUT].map((kind) => (credits.received[kind] || 0) + (credits.spent[kind] || 0));
    const largest = Math.max(1, ...amounts);
    const flow = (kind, amount, out) => {
      const row = element("div", out ? "flow out" : "flow");
      row.dataset.kind = kind;
      const track = element("span", "track");
      const fill = element("span", "fill");
      fill.style.width = `${Math.max(2, (100 * amount) / largest)}%`; // CSSOM: allowed by the CSP
      track.append(fill);
      row.append(element("span", "label", t(`credits-${kind}`)), track, element("span", "amount", `${out ? "−" : "+"}${number(amount)}`));
      return row;
    };
    const incoming = CREDITS_IN.filter((kind) => credits.received[kind]);
    const outgoing = CREDITS_OUT.filter((kind) => credits.spent[kind]);
    if (incoming.length) rows.push(element("h3", null, t("credits-in")), ...incoming.map((k) => flow(k, credits.received[k], false)));
    if (outgoing.length) rows.push(element("h3", null, t("credits-out")), ...outgoing.map((k) => flow(k, credits.spent[k], true)));
    if (!rows.length) rows.push(element("p", "hint", t("credits-none")));
    $("credits").replaceChildren(...rows);
    setText("credits-held", credits.held ? t("credits-held", { held: number(credits.held) }) : "");
  }

  function titleLine(title, status, url) {
    const line = element("div", "line");
    const name = url ? element("a", "title", title) : element("span", "title", title);
    if (url) {
      name.href = url;
      name.target = "_blank";
      name.rel = "noopener noreferrer";
    }
    line.append(name, element("span", "status", t(`task-status-${status}`)));
    return line;
  }

  function renderMember(data) {
    me = data;
    clockSkewMs = Date.parse(data.now) - Date.now();
    setLanguage(data.language);
    setText("community-title", data.community.title);
    setText("balance", number(data.balance));
    setText("balance-hint", t("balance-hint", { community: data.community.title }));
    setText("reliability", reliabilityText(data.reliability));
    setText("stat-verified", number(data.stats.verified));
    setText("stat-received", number(data.stats.feedback_received));
    setText("stat-rest", t("stat-rest", data.stats));
    renderCredits(data.credits);
    fillList(
      "open-tasks",
      data.open_tasks,
      (task) => {
        const item = element("li");
        item.dataset.task = task.id;
        const dueText = task.status === "assigned" ? t("open-due", { when: due(task.deadline_at) }) : "";
        const meta = [PLATFORM_LABELS[task.platform], t("open-credits", { credits: task.credits }), dueText].filter(Boolean);
        item.append(titleLine(task.title, task.status, task.url), element("span", "meta", meta.join(" · ")));
        return item;
      },
      t("open-none")
    );
    fillList(
      "given",
      data.given,
      (task) => {
        const item = element("li");
        item.dataset.task = task.id;
        item.dataset.status = task.status;
        const meta = [t("task", { id: task.id }), when(task.decided_at || task.assigned_at)];
        item.append(titleLine(task.title, task.status, null), element("span", "meta", meta.join(" · ")));
        const reason = reasonText(task.status, task.reason);
        if (reason) item.append(element("span", "reason", reason));
        return item;
      },
      t("given-none")
    );
    fillList(
      "received",
      data.received,
      (submission) => {
        const item = element("li");
        item.dataset.submission = submission.submission_id;
        const line = element("div", "line");
        const link = element("a", "title", submission.title);
        link.href = submission.url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        line.append(link, element("span", "status", t(`submission-status-${submission.status}`)));
        const progress = t("received-progress", { verified: submission.tasks_verified, wanted: submission.feedback_wanted });
        item.append(line, element("span", "meta", `${PLATFORM_LABELS[submission.platform]} · ${progress}`));
        const sub = element("ul", "sub");
        for (const feedback of submission.feedback) {
          const row = element("li");
          const reason = reasonText(feedback.status, feedback.reason);
          row.append(element("span", null, feedback.giver), element("span", "status", t(`task-status-${feedback.status}`) + (reason ? ` · ${reason}` : "")));
          sub.append(row);
        }
        if (!submission.feedback.length) sub.append(element("li", "meta", t("received-no-feedback")));
        item.append(sub);
        return item;
      },
      t("received-none")
    );
    fillList(
      "channels",
      data.channels,
      (channel) => element("li", null, `${channel.name} (${PLATFORM_LABELS[channel.platform]})`),
      t("channels-none")
    );
    for (const section of MEMBER_SECTIONS) section(data);
    renderNotice(data);
    renderCommunities(data);
    $("tabs").hidden = !data.community.runs;
  }

  function renderNotice(data) {
    const notes = [];
    if (data.community.is_paused) {
      notes.push(data.community.pause_reason ? t("paused", { reason: data.community.pause_reason }) : t("paused-no-reason"));
    }
    if (data.status === "warned" || data.status === "banned") notes.push(t(`status-${data.status}`));
    $("notice").hidden = !notes.length;
    setText("notice", notes.join(" "));
  }

  function renderCommunities(data) {
    const select = $("community");
    const options = data.communities.map((c) => {
      const option = element("option", null, c.title);
      option.value = String(c.id);
      return option;
    });
    select.replaceChildren(...options);
    select.value = String(data.community.id);
    $("community-picker").hidden = data.communities.length < 2;
  }

  // The admin --------------------------------------------------------------------------------------

  let lastAdmin = null;
  let adminRequest = 0;

  const percent = (x) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);
  const ratio = (x) => (x === null || x === undefined ? "–" : x.toFixed(2));

  function plotText(value, max) {
    let text = String(value);
    if (max && text.length > max) text = `${text.slice(0, max - 1)}…`;
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function loadPlotly() {
    if (!plotly) {
      plotly = new Promise((resolve, reject) => {
        if (window.Plotly) {
          resolve(window.Plotly);
          return;
        }
        const script = document.createElement("script");
        script.src = body.dataset.plotly;
        script.onload = () => resolve(window.Plotly);
        script.onerror = () => reject(new Error("plotly"));
        document.head.append(script);
      });
    }
    return plotly;
  }

  async function loadAdmin() {
    if (!me || !me.community.runs) return;
    const asked = ++adminRequest;
    let view;
    try {
      view = await api(`/admin/${me.community.id}?period=${period}`);
    } catch (problem) {
      if (asked === adminRequest) showProblem(problem);
      return;
    }
    if (asked !== adminRequest) return; // an answer for filters that changed meanwhile
    renderAdmin(view);
  }

  function renderAdmin(view) {
    lastAdmin = view;
    const o = view.overview;
    setText("card-tasks", number(o.totals.tasks));
    setText("card-tasks-hint", o.totals.open ? t("card-tasks-hint", { open: number(o.totals.open) }) : "");
    setText("card-success", percent(o.totals.success_rate));
    setText("card-success-hint", t("card-success-hint", { verified: number(o.totals.verified), decided: number(o.totals.decided) }));
    setText("card-roi", ratio(o.reciprocity.roi));
    setText(
      "card-roi-hint",
      t("card-roi-hint", { received: number(o.reciprocity.feedback_received), given: number(o.reciprocity.feedback_given) })
    );
    setText("card-credits", number(o.credits_moved));
    const inVain = o.asked_in_vain;
    setText("card-in-vain", number(inVain.members));
    setText(
      "card-in-vain-hint",
      inVain.members
        ? t(inVain.members === 1 ? "card-in-vain-hint-one" : "card-in-vain-hint", { hours: number(inVain.member_hours) })
        : t("card-in-vain-none")
    );
    ready("tgx-admin");
    fillList(
      "top-members",
      view.top_members.filter((m) => m.completed > 0),
      (m) => {
        const item = element("li");
        const line = element("div", "line");
        line.append(element("span", "title", m.username ? `${m.display_name} @${m.username}` : m.display_name));
        if (m.trusted) line.append(element("span", "status", `★ ${t("top-trusted")}`));
        item.append(line, element("span", "meta", t("top-line", { verified: number(m.completed), failed: number(m.failed) })));
        return item;
      },
      t("top-none")
    );
    renderSettings(view.settings);
    for (const section of ADMIN_SECTIONS) section(view);
    drawCharts(view).catch(() => {
      // Without the charts the numbers above still stand.
    });
  }

  function themeColour(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  async function drawCharts(view) {
    const Plotly = await loadPlotly();
    if (view !== lastAdmin) return;
    const ink = themeColour("--tg-theme-text-color", "#1d2330");
    const muted = themeColour("--tg-theme-hint-color", "#6b7280");
    const layout = {
      margin: { t: 8, r: 8, b: 30, l: 34 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "system-ui, sans-serif", size: 11, color: ink },
      showlegend: false,
    };
    const config = { responsive: true, displaylogo: false, displayModeBar: false, staticPlot: false };
    const o = view.overview;
    const days = o.verified_per_day;
    const done = days.filter((d) => !d.partial);
    const today = days.find((d) => d.partial);
    const data = [
      {
        type: "scatter",
        mode: "lines+markers",
        x: done.map((d) => d.day),
        y: done.map((d) => d.verified),
        line: { color: COLOURS.verified },
        marker: { size: 5 },
        hovertemplate: "%{x|%b %-d}: %{y}<extra></extra>",
      },
    ];
    if (today) {
      // Today is not over: drawn apart (dotted, hollow), so its lower count does not read as a drop.
      const joined = done.length ? [done[done.length - 1], today] : [today];
      data.push({
        type: "scatter",
        mode: "lines+markers",
        x: joined.map((d) => d.day),
        y: joined.map((d) => d.verified),
        line: { color: COLOURS.verified, dash: "dot" },
        marker: { symbol: ["circle", "circle-open"].slice(-joined.length), size: [5, 10].slice(-joined.length) },
        hovertemplate: `%{x|%b %-d} (${plotText(t("chart-today"))}): %{y}<extra></extra>`,
      });
    }
    const first = days.length ? Date.parse(days[0].day) : Date.now();
    const last = days.length ? Date.parse(days[days.length - 1].day) : first;
    const empty = days.every((d) => d.verified === 0);
    const xaxis = {
      type: "date",
      // Whole days on the axis, never hours, however few days there are.
      range: [first - DAY_MS / 2, last + DAY_MS / 2],
      tickformat: "%b %-d",
      gridcolor: "rgba(127,127,127,0.15)",
      color: muted,
      nticks: 5,
    };
    if ((last - first) / DAY_MS <= 6) xaxis.dtick = DAY_MS;
    const most = Math.max(0, ...days.map((d) => d.verified));
    const yaxis = { rangemode: "tozero", gridcolor: "rgba(127,127,127,0.15)", color: muted, tickformat: ",d" };
    if (most <= 5) yaxis.dtick = 1;
    if (empty) yaxis.range = [0, 1];
    Plotly.react(
      $("chart-daily"),
      data,
      {
        ...layout,
        xaxis,
        yaxis,
        annotations: empty
          ? [{ text: plotText(t("chart-empty")), showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5, font: { color: muted } }]
          : [],
      },
      config
    );
    const outcomes = Object.keys(COLOURS).filter((k) => o.outcomes[k] > 0);
    const pie = (id, labels, values, colours) =>
      Plotly.react(
        $(id),
        [
          {
            type: "pie",
            hole: 0.55,
            labels,
            values,
            marker: { colors: colours },
            textinfo: "label+value",
            textposition: "outside",
            automargin: true,
            sort: false,
            hoverinfo: "label+value+percent",
          },
        ],
        {
          ...layout,
          margin: { t: 20, r: 20, b: 20, l: 20 },
          annotations: values.length ? [] : [{ text: plotText(t("chart-empty")), showarrow: false, font: { color: muted } }],
        },
        config
      );
    pie(
      "chart-outcomes",
      outcomes.map((k) => plotText(t(`outcome-${k}`))),
      outcomes.map((k) => o.outcomes[k]),
      outcomes.map((k) => COLOURS[k])
    );
    const platforms = o.platforms.filter((p) => p.tasks > 0);
    pie(
      "chart-platforms",
      platforms.map((p) => plotText(PLATFORM_LABELS[p.platform] || p.platform)),
      platforms.map((p) => p.tasks),
      platforms.map((p) => PLATFORM_COLOURS[p.platform] || "#8a94a6")
    );
  }

  // Settings: the bot's menu as controls; each tap is one POST that carries the init data.
  function renderSettings(settings) {
    const rows = [];
    for (const s of settings.numbers) {
      const row = element("div", "setting");
      row.dataset.setting = s.name;
      const stepper = element("div", "stepper");
      const minus = element("button", null, "−");
      const plus = element("button", null, "+");
      minus.type = plus.type = "button";
      minus.setAttribute("aria-label", `${t("decrease")}: ${t(`settings-${s.name}`)}`);
      plus.setAttribute("aria-label", `${t("increase")}: ${t(`settings-${s.name}`)}`);
      minus.addEventListener("click", () => save({ [s.name]: s.value - s.step }));
      plus.addEventListener("click", () => save({ [s.name]: s.value + s.step }));
      stepper.append(minus, element("output", null, number(s.value)), plus);
      row.append(element("span", "name", t(`settings-${s.name}`)), stepper);
      rows.push(row);
    }
    rows.push(element("h3", "meta", t("settings-platforms")));
    const toggles = element("div", "toggles");
    toggles.dataset.setting = "allowed_platforms";
    for (const platform of settings.platforms) {
      const on = settings.allowed_platforms.includes(platform);
      const button = element("button", null, `${on ? "✅" : "⬜"} ${PLATFORM_LABELS[platform] || platform}`);
      button.type = "button";
      button.dataset.platform = platform;
      button.setAttribute("aria-pressed", String(on));
      button.addEventListener("click", () => {
        const next = on ? settings.allowed_platforms.filter((p) => p !== platform) : [...settings.allowed_platforms, platform];
        save({ allowed_platforms: next });
      });
      toggles.append(button);
    }
    rows.push(toggles);
    const languageRow = element("label", "setting");
    languageRow.dataset.setting = "group_language";
    const select = element("select");
    select.id = "group-language";
    for (const value of ["auto", ...settings.languages]) {
      const option = element("option", null, t(`settings-group-language-${value}`));
      option.value = value;
      select.append(option);
    }
    select.value = settings.group_language || "auto";
    select.addEventListener("change", () => save({ group_language: select.value }));
    languageRow.append(element("span", "name", t("settings-group-language")), select);
    rows.push(languageRow);
    $("settings").replaceChildren(...rows);
  }

  async function save(change) {
    const status = $("settings-status");
    for (const control of $("settings").querySelectorAll("button, select")) control.disabled = true;
    try {
      const settings = await api(`/admin/${me.community.id}/settings`, { method: "POST", body: change });
      lastAdmin = { ...lastAdmin, settings };
      renderSettings(settings);
      status.className = "toast";
      status.textContent = t("settings-saved");
    } catch (problem) {
      if (problem.kind !== "refused") {
        showProblem(problem);
        return;
      }
      status.className = "toast refused";
      status.textContent = t("settings-refused", { detail: problem.detail });
      renderSettings(lastAdmin.settings);
    }
  }

  // Navigation -----------------------------------------------------------------------------------

  function showTab(name) {
    tab = name === "admin" && me && me.community.runs ? "admin" : "me";
    for (const button of document.querySelectorAll("#tabs [data-tab]")) {
      button.setAttribute("aria-selected", String(button.dataset.tab === tab));
    }
    $("view-me").hidden = tab !== "me";
    $("view-admin").hidden = tab !== "admin";
    const url = new URL(window.location.href);
    if (tab === "admin") url.searchParams.set("tab", "admin");
    else url.searchParams.delete("tab");
    if (url.href !== window.location.href) window.history.replaceState(null, "", url.href);
    if (tab === "admin") loadAdmin();
  }

  function showProblem(problem) {
    showMessage(problem.kind === "unauthorized" || problem.kind === "not-member" ? problem.kind : "failed");
  }

  async function loadMember(communityId) {
    const query = communityId ? `?community_id=${encodeURIComponent(communityId)}` : "";
    const data = await api(`/me${query}`);
    $("loading").hidden = true;
    renderMember(data);
    ready("tgx-member");
    return data;
  }

  async function start() {
    launch = readLaunch();
    applyTheme(launch.theme);
    setLanguage(claimedLanguage(launch.initData));
    listenToTelegram();
    postEvent("web_app_ready");
    postEvent("web_app_expand");
    if (!launch.initData) {
      showMessage("unauthorized");
      return;
    }
    const asked = new URLSearchParams(window.location.search);
    const wantsAdmin = asked.get("tab") === "admin";
    try {
      await loadMember(asked.get("community_id"));
      // Asked for the admin view (the bot's /dashboard) while looking at a community they do not
      // run: the first one they do.
      const run = me.communities.find((c) => c.runs);
      if (wantsAdmin && !me.community.runs && run && !asked.get("community_id")) await loadMember(run.id);
    } catch (problem) {
      showProblem(problem);
      return;
    }
    showTab(wantsAdmin ? "admin" : "me");
    $("tabs").addEventListener("click", (event) => {
      const button = event.target.closest("[data-tab]");
      if (button) showTab(button.dataset.tab);
    });
    $("periods").addEventListener("click", (event) => {
      const button = event.target.closest("[data-period]");
      if (!button || !PERIODS.includes(button.dataset.period)) return;
      period = button.dataset.period;
      for (const chip of $("periods").querySelectorAll("[data-period]")) {
        chip.setAttribute("aria-pressed", String(chip === button));
      }
      loadAdmin();
    });
    $("community").addEventListener("change", async () => {
      const url = new URL(window.location.href);
      url.searchParams.set("community_id", $("community").value);
      window.history.replaceState(null, "", url.href);
      try {
        await loadMember($("community").value);
      } catch (problem) {
        showProblem(problem);
        return;
      }
      showTab(tab);
    });
  }

  start();
})();
