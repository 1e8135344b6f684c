// The dashboard page: reads the JSON API every few seconds and updates the page in place.
// Data only ever reaches the DOM through textContent, and Plotly labels are entity-escaped
// (Plotly parses a few HTML-like tags in labels), so a member called "<img onerror=…>" stays text.
"use strict";

(function () {
  const body = document.body;
  const api = body.dataset.api;
  const refreshMs = Number(body.dataset.refreshMs) || 10000;
  // Spread the refreshes of many open pages: see REFRESH_JITTER in web/page.py.
  const refreshJitter = Number(body.dataset.refreshJitter) || 0;
  const nextRefreshMs = () => refreshMs * (1 + refreshJitter * (2 * Math.random() - 1));
  const REQUEST_TIMEOUT_MS = 8000;
  const DAY_MS = 86400000;
  const ERROR_HOURS = 24;
  const ERROR_ROWS = 20;
  const $ = (id) => document.getElementById(id);
  const numbers = new Intl.NumberFormat("en");

  const PLATFORM_LABELS = { youtube: "YouTube", tiktok: "TikTok", instagram: "Instagram" };
  const PLATFORM_COLOURS = { youtube: "#e62117", tiktok: "#25a4b0", instagram: "#c13584" };
  const OUTCOMES = [
    ["verified", "#2e9d5b"],
    ["rejected", "#d64545"],
    ["expired", "#e0a030"],
    ["skipped", "#8a94a6"],
    ["cancelled", "#c9ced8"],
  ];
  const TRUSTED = "#2e9d5b";
  const NOT_TRUSTED = "#8a94a6";
  const PLOT_CONFIG = { responsive: true, displaylogo: false, displayModeBar: false };
  const BASE_LAYOUT = {
    margin: { t: 8, r: 8, b: 36, l: 8 },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: "system-ui, sans-serif", size: 12 },
    uirevision: "keep",
  };
  // Legends sit above the plot, where no axis label can run into them.
  const TOP_LEGEND = { orientation: "h", x: 0, xanchor: "left", y: 1.02, yanchor: "bottom" };
  const PERIODS = new Set(["all", "monthly", "weekly", "daily"]);
  const communityTitles = new Map(
    Array.from($("community").options)
      .filter((option) => option.value)
      .map((option) => [Number(option.value), option.textContent])
  );

  function setText(id, text) {
    const node = $(id);
    if (node.textContent !== text) node.textContent = text; // unchanged text is not touched
  }

  function plotText(value, max) {
    let text = String(value);
    if (max && text.length > max) text = text.slice(0, max - 1) + "…";
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  const percent = (x) => (x === null || x === undefined ? "–" : (x * 100).toFixed(1) + "%");
  const ratio = (x) => (x === null || x === undefined ? "–" : x.toFixed(2));

  // Filters -------------------------------------------------------------------------------------

  function filters() {
    const query = new URLSearchParams();
    const community = $("community").value;
    if (community) query.set("community_id", community);
    query.set("period", $("period").value);
    return query;
  }

  // The filters live in the page's address, so a reload (or a shared link) keeps them.
  function restoreFilters() {
    const asked = new URLSearchParams(window.location.search);
    const community = asked.get("community_id");
    if (community && communityTitles.has(Number(community))) $("community").value = community;
    const period = asked.get("period");
    if (period && PERIODS.has(period)) $("period").value = period;
  }

  function rememberFilters() {
    const query = new URLSearchParams();
    if ($("community").value) query.set("community_id", $("community").value);
    if ($("period").value !== "all") query.set("period", $("period").value);
    const search = query.toString() ? `?${query}` : "";
    if (window.location.search !== search) {
      window.history.replaceState(null, "", `${window.location.pathname}${search}`);
    }
  }

  class SessionEnded extends Error {}

  async function getJSON(path, extra) {
    const query = filters();
    for (const [key, value] of Object.entries(extra || {})) {
      if (value === null) query.delete(key);
      else query.set(key, String(value));
    }
    const response = await fetch(`${api}/${path}?${query}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      // A request that never answers must not stop the refreshes for good.
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (response.status === 401) throw new SessionEnded();
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  function draw(id, data, layout) {
    Plotly.react($(id), data, Object.assign({}, BASE_LAYOUT, layout), PLOT_CONFIG);
  }

  // Names on charts: two members (or communities) with one name are told apart by their
  // @username, else by their id.
  function labels(items, nameOf, usernameOf, idOf, prefix) {
    const count = (keys) => keys.reduce((seen, key) => seen.set(key, (seen.get(key) || 0) + 1), new Map());
    const names = items.map((item) => nameOf(item));
    const nameCounts = count(names.map((name) => name.toLocaleLowerCase()));
    const withUser = items.map((item, n) => {
      const username = usernameOf(item);
      return nameCounts.get(names[n].toLocaleLowerCase()) > 1 && username ? `${names[n]} @${username}` : names[n];
    });
    const labelCounts = count(withUser.map((label) => label.toLocaleLowerCase()));
    return items.map((item, n) =>
      labelCounts.get(withUser[n].toLocaleLowerCase()) > 1 ? `${withUser[n]} ${prefix}${idOf(item)}` : withUser[n]
    );
  }

  // Cards ---------------------------------------------------------------------------------------

  function showCards(overview) {
    const t = overview.totals;
    const r = overview.reciprocity;
    setText("card-tasks", numbers.format(t.tasks));
    setText(
      "card-tasks-hint",
      t.open === null ? `${numbers.format(t.verified)} verified` : `${numbers.format(t.open)} open`
    );
    setText("card-success", percent(t.success_rate));
    setText(
      "card-success-hint",
      `${numbers.format(t.verified)} verified of ${numbers.format(t.decided)} judged or expired`
    );
    setText("card-roi", ratio(r.roi));
    setText(
      "card-roi-hint",
      `${numbers.format(r.feedback_received)} received ÷ ${numbers.format(r.feedback_given)} given`
    );
    setText("card-credits", numbers.format(overview.credits_moved));
    setText("card-credits-hint", "paid for verified feedback");
    const inVain = overview.asked_in_vain;
    setText("card-in-vain", numbers.format(inVain.members));
    setText(
      "card-in-vain-hint",
      inVain.members === 0
        ? "every member who asked found a task"
        : `member${inVain.members === 1 ? "" : "s"}, in ${numbers.format(inVain.member_hours)} hour${
            inVain.member_hours === 1 ? "" : "s"
          } with no task open for them`
    );
  }

  // Charts --------------------------------------------------------------------------------------

  function showPies(overview) {
    // Zero slices are left out of the pies: a "0%" label says nothing.
    const platforms = overview.platforms.filter((p) => p.tasks > 0);
    draw(
      "chart-platforms",
      [
        {
          type: "pie",
          labels: platforms.map((p) => PLATFORM_LABELS[p.platform] || plotText(p.platform)),
          values: platforms.map((p) => p.tasks),
          marker: { colors: platforms.map((p) => PLATFORM_COLOURS[p.platform] || "#888") },
          sort: false,
          textinfo: "label+percent",
        },
      ],
      { showlegend: false, margin: { t: 8, r: 8, b: 8, l: 8 } }
    );
    const outcomes = OUTCOMES.filter(([name]) => overview.outcomes[name] > 0);
    draw(
      "chart-outcomes",
      [
        {
          type: "pie",
          hole: 0.55,
          labels: outcomes.map(([name]) => name),
          values: outcomes.map(([name]) => overview.outcomes[name]),
          marker: { colors: outcomes.map(([, colour]) => colour) },
          sort: false,
        },
      ],
      { showlegend: true, legend: { orientation: "h" }, margin: { t: 8, r: 8, b: 8, l: 8 } }
    );
  }

  // Bars sit at ids, not names: two members (or communities) with one name keep a bar each, and a
  // name like "2024" cannot turn the axis numeric. The names are the tick labels. Bars lie flat so
  // that long names read across, on a phone too.
  // A count axis: whole numbers only (no 0.5 tasks) while the counts are small.
  function countAxis(values) {
    const axis = { automargin: true, rangemode: "tozero" };
    if (Math.max(0, ...values) <= 5) axis.dtick = 1;
    return axis;
  }

  function barAxis(at, names) {
    return {
      type: "category",
      tickmode: "array",
      tickvals: at,
      ticktext: names,
      categoryorder: "array",
      categoryarray: at,
      automargin: true,
      autorange: "reversed",
    };
  }

  function showGroups(groups) {
    const top = groups.items.slice(0, 10);
    const at = top.map((g) => "c" + g.community_id);
    const names = labels(top, (g) => g.title, () => null, (g) => g.community_id, "#").map((n) => plotText(n, 24));
    draw(
      "chart-groups",
      [
        {
          type: "bar",
          orientation: "h",
          y: at,
          x: top.map((g) => g.interactions),
          customdata: names,
          hovertemplate: "%{customdata}: %{x} tasks<extra></extra>",
          name: "tasks handed out",
          marker: { color: "#2f6fed" },
        },
        {
          type: "bar",
          orientation: "h",
          y: at,
          x: top.map((g) => g.support_received),
          customdata: names,
          hovertemplate: "%{customdata}: %{x} verified<extra></extra>",
          name: "verified feedback",
          marker: { color: "#2e9d5b" },
        },
      ],
      {
        barmode: "group",
        yaxis: barAxis(at, names),
        xaxis: countAxis(top.map((g) => g.interactions)),
        legend: TOP_LEGEND,
        margin: { t: 28, r: 8, b: 28, l: 8 },
      }
    );
  }

  function showMembers(users) {
    // Members who gave no verified feedback in the period have no bar to show.
    const members = users.items.filter((m) => m.completed > 0).slice(0, 10);
    const at = members.map((m) => "m" + m.member_id);
    const names = labels(members, (m) => m.display_name, (m) => m.username, (m) => m.member_id, "#").map((n) =>
      plotText(n, 32)
    );
    const hover = members.map((m) => {
      const who = [m.display_name, m.username ? `@${m.username}` : null, `member #${m.member_id}`];
      const community = communityTitles.size > 1 ? communityTitles.get(m.community_id) : null;
      return plotText([...who, community].filter(Boolean).join(" · "));
    });
    // One trace per colour, so that the legend says what green and grey mean.
    const trace = (trusted) => {
      const picked = members.map((m, n) => n).filter((n) => members[n].trusted === trusted);
      return {
        type: "bar",
        orientation: "h",
        y: picked.map((n) => at[n]),
        x: picked.map((n) => members[n].completed),
        customdata: picked.map((n) => hover[n]),
        name: trusted ? "trusted (5+ judged tasks, 80%+ verified)" : "not trusted yet",
        marker: { color: trusted ? TRUSTED : NOT_TRUSTED },
        hovertemplate: "%{customdata}: %{x} verified<extra></extra>",
        showlegend: true,
      };
    };
    draw("chart-members", [trace(true), trace(false)], {
      barmode: "overlay",
      yaxis: barAxis(at, names),
      xaxis: countAxis(members.map((m) => m.completed)),
      legend: TOP_LEGEND,
      margin: { t: 28, r: 8, b: 28, l: 8 },
    });
  }

  const dayLabel = (iso) =>
    new Date(`${iso}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

  function showDaily(overview) {
    const points = overview.verified_per_day;
    const done = points.filter((d) => !d.partial);
    const today = points.find((d) => d.partial);
    const first = points[0].day;
    const last = points[points.length - 1].day;
    const data = [
      {
        type: "scatter",
        mode: "lines+markers",
        x: done.map((d) => d.day),
        y: done.map((d) => d.verified),
        line: { color: "#2e9d5b" },
        name: "verified per day",
        hovertemplate: "%{x|%b %-d}: %{y} verified<extra></extra>",
      },
    ];
    if (today) {
      // Today is not over: its point is drawn apart (dashed, hollow) so its lower count does not
      // read as a drop.
      const joined = done.length ? [done[done.length - 1], today] : [today];
      data.push({
        type: "scatter",
        mode: "lines+markers",
        x: joined.map((d) => d.day),
        y: joined.map((d) => d.verified),
        line: { color: "#2e9d5b", dash: "dot" },
        marker: { symbol: ["circle", "circle-open"].slice(-joined.length), size: [6, 10].slice(-joined.length) },
        name: "today, so far (the day is not over)",
        hovertemplate: "%{x|%b %-d}, so far: %{y} verified<extra></extra>",
      });
    }
    const span = (Date.parse(last) - Date.parse(first)) / DAY_MS;
    const empty = points.every((d) => d.verified === 0);
    const xaxis = {
      type: "date",
      automargin: true,
      // Whole days on the axis, never hours or milliseconds, however few days there are.
      range: [Date.parse(first) - DAY_MS / 2, Date.parse(last) + DAY_MS / 2],
      tickformat: "%b %-d",
      hoverformat: "%b %-d",
    };
    if (span <= 14) xaxis.dtick = DAY_MS;
    const yaxis = countAxis(points.map((d) => d.verified));
    if (empty) yaxis.range = [0, 1];
    draw("chart-daily", data, {
      xaxis,
      yaxis,
      showlegend: true,
      legend: TOP_LEGEND,
      margin: { t: 28, r: 8, b: 36, l: 8 },
      annotations: empty
        ? [
            {
              text: "No verified feedback in this period yet",
              showarrow: false,
              xref: "paper",
              yref: "paper",
              x: 0.5,
              y: 0.5,
              font: { color: "#667085" },
            },
          ]
        : [],
    });
    setText("daily-range", first === last ? `(${dayLabel(first)})` : `(${dayLabel(first)} – ${dayLabel(last)})`);
  }

  // The reciprocity model -------------------------------------------------------------------------

  const MODEL_EVERY_MS = 600000; // the worker retrains daily: no need to ask every refresh
  let modelAskedAt = 0;

  function showModel(card) {
    if (!card.version) {
      setText("model-card", "No model yet: matching uses members' own records. The worker trains one once a day when there is enough history.");
      $("model-figure").hidden = true;
      return;
    }
    const samples = card.samples || {};
    const when = card.trained_at ? new Date(card.trained_at).toLocaleString("en", { timeZone: "UTC" }) + " UTC" : "–";
    const parts = [
      `Trained ${when} (${card.estimator || "–"}) on ${numbers.format(samples.train || 0)} tasks, tested on the newest ${numbers.format(samples.test || 0)}.`,
      card.served
        ? `The model in use is the same recipe refitted on all ${numbers.format(card.served.train + card.served.calibration)} tasks, the newest included.`
        : "",
      `AUC ${ratio(card.roc_auc)} against ${ratio(card.baseline_auc)} for members' own records;`,
      `Brier ${card.brier === null || card.brier === undefined ? "–" : card.brier.toFixed(3)} against ${card.baseline_brier === null || card.baseline_brier === undefined ? "–" : card.baseline_brier.toFixed(3)} (lower is better);`,
      `calibration error ${percent(card.ece)}.`,
    ];
    setText("model-card", parts.filter(Boolean).join(" "));
    const points = card.calibration || [];
    $("model-figure").hidden = points.length === 0;
    if (!points.length) return;
    const largest = Math.max(...points.map((p) => p.count));
    draw(
      "chart-calibration",
      [
        {
          type: "scatter",
          mode: "lines",
          x: [0, 1],
          y: [0, 1],
          line: { color: "#8a94a6", dash: "dot" },
          name: "perfectly calibrated",
          hoverinfo: "skip",
        },
        {
          type: "scatter",
          mode: "lines+markers",
          x: points.map((p) => p.predicted),
          y: points.map((p) => p.observed),
          marker: { color: TRUSTED, size: points.map((p) => 6 + 10 * Math.sqrt(p.count / largest)) },
          line: { color: TRUSTED },
          name: "the model",
          customdata: points.map((p) => numbers.format(p.count)),
          hovertemplate: "predicted %{x:.0%}, came true %{y:.0%} (%{customdata} tasks)<extra></extra>",
        },
      ],
      {
        xaxis: { range: [0, 1], tickformat: ".0%", title: { text: "predicted" }, automargin: true },
        yaxis: { range: [0, 1], tickformat: ".0%", title: { text: "came true" }, automargin: true },
        showlegend: true,
        legend: TOP_LEGEND,
        margin: { t: 28, r: 8, b: 44, l: 8 },
      }
    );
  }

  async function refreshModel() {
    if (Date.now() - modelAskedAt < MODEL_EVERY_MS) return;
    modelAskedAt = Date.now();
    try {
      showModel(await getJSON("model", { community_id: null, period: null }));
    } catch (error) {
      modelAskedAt = 0; // ask again at the next refresh
      if (!(error instanceof SessionEnded)) console.warn("model card failed", error);
    }
  }

  // Errors --------------------------------------------------------------------------------------

  function cell(label, text) {
    const td = document.createElement("td");
    td.dataset.label = label; // shown beside the value when a phone stacks the row
    td.textContent = text;
    return td;
  }

  function showErrors(errors) {
    const since = errors.since.replace("T", " ").slice(0, 16);
    setText("errors-summary", `(${numbers.format(errors.total)} since ${since} UTC, the last ${errors.hours} h in whole hours)`);
    const chips = errors.by_type.map((kind) => {
      const li = document.createElement("li");
      li.textContent = `${kind.source}: ${kind.type} × ${numbers.format(kind.count)}`;
      return li;
    });
    $("errors-types").replaceChildren(...chips);
    const rows = errors.recent.map((failure) => {
      const tr = document.createElement("tr");
      tr.append(
        cell("When (UTC)", failure.at.replace("T", " ").slice(0, 19)),
        cell("Type", `${failure.source}: ${failure.type}`),
        cell("Platform", failure.platform ? PLATFORM_LABELS[failure.platform] || failure.platform : "–"),
        cell("Member", failure.member || "–"),
        cell("Detail", failure.detail)
      );
      return tr;
    });
    if (rows.length === 0) {
      const tr = document.createElement("tr");
      const td = cell("", "Nothing failed in this window.");
      td.colSpan = 5;
      tr.append(td);
      rows.push(tr);
    }
    // One replacement of the whole body: no moment where the table is empty on screen.
    $("errors").tBodies[0].replaceChildren(...rows);
    setText(
      "errors-shown",
      errors.total > errors.recent.length ? `The latest ${numbers.format(errors.recent.length)} are listed.` : ""
    );
  }

  function updateExportLinks() {
    for (const link of document.querySelectorAll("a[data-export]")) {
      const query = filters();
      query.set("entity_type", link.dataset.entity);
      link.href = `${api}/export/${link.dataset.export}?${query}`;
    }
  }

  function showOperations(ops) {
    const since = ops.since ? ops.since.replace("T", " ").slice(0, 16) : "";
    setText(
      "ops-switch",
      ops.paused
        ? `⏸ The whole exchange is paused since ${since} UTC${ops.by ? ` by ${ops.by}` : ""}${ops.reason ? `: ${ops.reason}` : ""}.`
        : "▶ The exchange is running."
    );
    const open = ops.items.filter((item) => item.cleared_at === null).length;
    setText("ops-summary", `(${numbers.format(open)} open, ${numbers.format(ops.items.length - open)} cleared in 24 h)`);
    const items = ops.items.map((item) => {
      const li = document.createElement("li");
      li.className = item.cleared_at === null ? (item.severity >= 0.8 ? "anomaly severe" : "anomaly") : "anomaly cleared";
      const first = item.first_seen.replace("T", " ").slice(0, 16);
      const state = item.cleared_at === null ? "open" : `cleared ${item.cleared_at.replace("T", " ").slice(11, 16)}`;
      const paused = item.paused ? " · paused it" : "";
      li.textContent = `${item.kind} · ${item.affects} · severity ${item.severity.toFixed(2)} · since ${first} UTC · ${state}${paused} — ${item.summary}`;
      return li;
    });
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "anomaly none";
      li.textContent = "Nothing found in the last 24 hours.";
      items.push(li);
    }
    $("anomalies").replaceChildren(...items);
  }

  async function useKillSwitch(action) {
    const token = document.querySelector('meta[name="csrf-token"]');
    const chosen = $("community").value;
    const response = await fetch(`${api}/kill-switch`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": token ? token.content : "" },
      body: JSON.stringify({ action, reason: $("ops-reason").value, community_id: chosen ? Number(chosen) : null }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const answer = await response.json().catch(() => ({}));
    // A refusal's detail is a sentence, or FastAPI's list of what was wrong with the input.
    const detail = Array.isArray(answer.detail) ? answer.detail.map((d) => String(d.msg).replace(/^Value error, /, "")).join(" ") : answer.detail;
    setText("ops-switch", response.ok ? `Done: ${action}.` : `Refused: ${detail || response.status}`);
    restart();
  }

  let timer = null;
  let stopped = false;
  let generation = 0; // bumped when the filters change, so answers for old filters are dropped

  async function refresh(mine) {
    try {
      const [overview, groups, users, errors, anomalies] = await Promise.all([
        getJSON("overview"),
        getJSON("groups", { limit: 10, sort_by: "interactions" }),
        getJSON("users", { limit: 10 }),
        getJSON("errors", { hours: ERROR_HOURS, limit: ERROR_ROWS, period: null }),
        getJSON("anomalies", { hours: 24, period: null, community_id: null }),
      ]);
      if (mine !== generation) return;
      showCards(overview);
      showPies(overview);
      showGroups(groups);
      showMembers(users);
      showDaily(overview);
      showErrors(errors);
      showOperations(anomalies);
      setText("updated", `Updated ${new Date().toLocaleTimeString()} · refreshes every ${refreshMs / 1000} s`);
    } catch (error) {
      if (mine !== generation) return; // a round for old filters: its failure is old news
      if (error instanceof SessionEnded) {
        stopped = true;
        setText("updated", `Your session has ended. ${body.dataset.relogin.replace(/`/g, "")}`);
        return;
      }
      console.warn("dashboard refresh failed", error);
      setText("updated", "Could not refresh; trying again shortly.");
    }
  }

  async function loop(mine) {
    // fair_play.js refreshes its lists on this cycle (every third round, or at once for new filters).
    document.dispatchEvent(new CustomEvent("dashboard:refresh", { detail: { generation: mine } }));
    await Promise.all([refresh(mine), refreshModel()]);
    if (!stopped && mine === generation) timer = setTimeout(() => loop(mine), nextRefreshMs());
  }

  function restart() {
    rememberFilters();
    updateExportLinks();
    generation += 1;
    if (timer !== null) clearTimeout(timer);
    loop(generation);
  }

  restoreFilters();
  $("community").addEventListener("change", restart);
  $("period").addEventListener("change", restart);
  $("filters").addEventListener("submit", (event) => event.preventDefault());
  if ($("ops-form")) {
    $("ops-form").addEventListener("submit", (event) => {
      event.preventDefault();
      useKillSwitch("pause");
    });
    $("ops-resume").addEventListener("click", () => useKillSwitch("resume"));
  }
  restart();
})();
