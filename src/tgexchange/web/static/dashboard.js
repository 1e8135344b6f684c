// The dashboard page: reads the JSON API every few seconds and updates the page in place.
// Data only ever reaches the DOM through textContent, and Plotly labels are entity-escaped
// (Plotly parses a few HTML-like tags in labels), so a member called "<img onerror=…>" stays text.
"use strict";

(function () {
  const body = document.body;
  const api = body.dataset.api;
  const refreshMs = Number(body.dataset.refreshMs) || 10000;
  const REQUEST_TIMEOUT_MS = 8000;
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
  const PLOT_CONFIG = { responsive: true, displaylogo: false, displayModeBar: false };
  const BASE_LAYOUT = {
    margin: { t: 8, r: 8, b: 36, l: 8 },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: "system-ui, sans-serif", size: 12 },
    uirevision: "keep",
  };

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

  function filters() {
    const query = new URLSearchParams();
    const community = $("community").value;
    if (community) query.set("community_id", community);
    query.set("period", $("period").value);
    return query;
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

  function showCards(overview) {
    const t = overview.totals;
    const r = overview.reciprocity;
    setText("card-tasks", numbers.format(t.tasks));
    setText(
      "card-tasks-hint",
      t.open === null ? `${numbers.format(t.verified)} verified` : `${numbers.format(t.open)} open`
    );
    setText("card-success", percent(t.success_rate));
    setText("card-success-hint", `${numbers.format(t.verified)} of ${numbers.format(t.decided)} decided`);
    setText("card-roi", ratio(r.roi));
    setText(
      "card-roi-hint",
      `${numbers.format(r.feedback_received)} received / ${numbers.format(r.feedback_given)} given`
    );
    setText("card-credits", numbers.format(overview.credits_moved));
    setText("card-credits-hint", "paid for verified feedback");
  }

  function showCharts(overview, groups, users) {
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
    // Bars sit at ids, not names: two members (or communities) with one name keep a bar each, and
    // a name like "2024" cannot turn the axis numeric. The names are the tick labels.
    const top = groups.items.slice(0, 10);
    const groupAt = top.map((g) => "c" + g.community_id);
    const groupNames = top.map((g) => plotText(g.title, 24));
    draw(
      "chart-groups",
      [
        {
          type: "bar",
          x: groupAt,
          y: top.map((g) => g.interactions),
          customdata: groupNames,
          hovertemplate: "%{customdata}: %{y} tasks<extra></extra>",
          name: "tasks",
          marker: { color: "#2f6fed" },
        },
        {
          type: "bar",
          x: groupAt,
          y: top.map((g) => g.support_received),
          customdata: groupNames,
          hovertemplate: "%{customdata}: %{y} verified<extra></extra>",
          name: "verified",
          marker: { color: "#2e9d5b" },
        },
      ],
      {
        barmode: "group",
        xaxis: { type: "category", tickmode: "array", tickvals: groupAt, ticktext: groupNames, automargin: true },
        yaxis: { automargin: true },
        legend: { orientation: "h" },
      }
    );
    const members = users.items.slice(0, 10);
    const memberAt = members.map((m) => "m" + m.member_id);
    const memberNames = members.map((m) => plotText(m.display_name, 32));
    draw(
      "chart-members",
      [
        {
          type: "bar",
          orientation: "h",
          y: memberAt,
          x: members.map((m) => m.completed),
          customdata: memberNames,
          marker: { color: members.map((m) => (m.trusted ? "#2e9d5b" : "#8a94a6")) },
          hovertemplate: "%{customdata}: %{x} verified<extra></extra>",
        },
      ],
      {
        yaxis: {
          type: "category",
          tickmode: "array",
          tickvals: memberAt,
          ticktext: memberNames,
          automargin: true,
          autorange: "reversed",
        },
        xaxis: { automargin: true },
      }
    );
    draw(
      "chart-daily",
      [
        {
          type: "scatter",
          mode: "lines+markers",
          x: overview.verified_per_day.map((d) => d.day),
          y: overview.verified_per_day.map((d) => d.verified),
          line: { color: "#2e9d5b" },
        },
      ],
      { xaxis: { type: "date", automargin: true }, yaxis: { automargin: true, rangemode: "tozero" } }
    );
  }

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function showErrors(errors) {
    setText("errors-summary", `(${numbers.format(errors.total)} in the last ${errors.hours} h)`);
    const chips = errors.by_type.map((kind) => {
      const li = document.createElement("li");
      li.textContent = `${kind.source}: ${kind.type} × ${numbers.format(kind.count)}`;
      return li;
    });
    $("errors-types").replaceChildren(...chips);
    const rows = errors.recent.map((failure) => {
      const tr = document.createElement("tr");
      tr.append(
        cell(failure.at.replace("T", " ").slice(0, 19)),
        cell(`${failure.source}: ${failure.type}`),
        cell(failure.platform ? PLATFORM_LABELS[failure.platform] || failure.platform : ""),
        cell(failure.member || ""),
        cell(failure.detail)
      );
      return tr;
    });
    if (rows.length === 0) {
      const tr = document.createElement("tr");
      const td = cell("Nothing failed in this window.");
      td.colSpan = 5;
      tr.append(td);
      rows.push(tr);
    }
    // One replacement of the whole body: no moment where the table is empty on screen.
    $("errors").tBodies[0].replaceChildren(...rows);
  }

  function updateExportLinks() {
    for (const link of document.querySelectorAll("a[data-export]")) {
      const query = filters();
      query.set("entity_type", link.dataset.entity);
      link.href = `${api}/export/${link.dataset.export}?${query}`;
    }
  }

  let timer = null;
  let stopped = false;
  let generation = 0; // bumped when the filters change, so answers for old filters are dropped

  async function refresh(mine) {
    try {
      const [overview, groups, users, errors] = await Promise.all([
        getJSON("overview"),
        getJSON("groups", { limit: 10, sort_by: "interactions", community_id: null }),
        getJSON("users", { limit: 10, period: null }),
        getJSON("errors", { hours: 24, limit: 20, period: null }),
      ]);
      if (mine !== generation) return;
      showCards(overview);
      showCharts(overview, groups, users);
      showErrors(errors);
      setText("updated", `Updated ${new Date().toLocaleTimeString()} · refreshes every ${refreshMs / 1000} s`);
    } catch (error) {
      if (mine !== generation) return; // a round for old filters: its failure is old news
      if (error instanceof SessionEnded) {
        stopped = true;
        setText("updated", "Your session has ended: send /dashboard to the bot in a private chat for a new link.");
        return;
      }
      console.warn("dashboard refresh failed", error);
      setText("updated", "Could not refresh; trying again shortly.");
    }
  }

  async function loop(mine) {
    await refresh(mine);
    if (!stopped && mine === generation) timer = setTimeout(() => loop(mine), refreshMs);
  }

  function restart() {
    updateExportLinks();
    generation += 1;
    if (timer !== null) clearTimeout(timer);
    loop(generation);
  }

  $("community").addEventListener("change", restart);
  $("period").addEventListener("change", restart);
  $("filters").addEventListener("submit", (event) => event.preventDefault());
  restart();
})();
