// The dashboard's fair play: appeals to decide, flagged groups to clear or confirm, and what the
// cooldowns and the admission cap did. Rides on dashboard.js's refresh cycle (its
// "dashboard:refresh" event) but asks only every third round, or at once when the filters change:
// three lists for every admin who has the page open are the page's dearest reads after the charts.
// As in dashboard.js, data reaches the DOM only through textContent.
"use strict";

(function () {
  const body = document.body;
  const api = body.dataset.api;
  const REQUEST_TIMEOUT_MS = 8000;
  const EVERY_NTH_ROUND = 3;
  const EVENT_ROWS = 20;
  const $ = (id) => document.getElementById(id);
  const numbers = new Intl.NumberFormat("en");
  const communityTitles = new Map(
    Array.from($("community").options)
      .filter((option) => option.value)
      .map((option) => [Number(option.value), option.textContent])
  );
  const PENALTIES = { warn: "warning", cooldown: "cooldown", ban: "ban" };

  class SessionEnded extends Error {}

  let round = 0;
  let generation = -1;
  let stopped = false;

  const utc = (iso) => (iso ? iso.replace("T", " ").slice(0, 16) + " UTC" : "–");
  const percent = (x, digits) => (typeof x === "number" ? `${(x * 100).toFixed(digits || 0)}%` : null);

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function button(label, className, onClick) {
    const node = element("button", label, className);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  // The community's title, when the viewer sees more than one: which group an item is from.
  function where(communityId) {
    return communityTitles.size > 1 && communityTitles.has(communityId) ? ` · ${communityTitles.get(communityId)}` : "";
  }

  function scoped(extra) {
    const query = new URLSearchParams(extra || {});
    if ($("community").value) query.set("community_id", $("community").value);
    return query;
  }

  async function getJSON(path, extra) {
    const response = await fetch(`${api}/${path}?${scoped(extra)}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (response.status === 401) throw new SessionEnded();
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  // A state-changing request: the session cookie and the page's CSRF token, as the kill switch.
  async function post(path, payload) {
    const token = document.querySelector('meta[name="csrf-token"]');
    const response = await fetch(`${api}/${path}`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": token ? token.content : "" },
      body: JSON.stringify(payload || {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const answer = await response.json().catch(() => ({}));
    return { status: response.status, ok: response.ok, answer };
  }

  function empty(listId, text) {
    $(listId).replaceChildren(element("li", text, "fp-empty"));
  }

  // Appeals -------------------------------------------------------------------------------------

  function penaltyEvidence(penalty) {
    const parts = [];
    // "admin": an admin gave it by hand (/exchange_penalize); any other rule is the check that fired.
    if (penalty.rule) parts.push(penalty.rule === "admin" ? "given by an admin" : `rule ${penalty.rule}`);
    if (penalty.task_ids.length) parts.push(`tasks ${penalty.task_ids.map((t) => `#${t}`).join(", ")}`);
    parts.push(`on ${utc(penalty.created_at)}`);
    parts.push(penalty.ends_at ? `until ${utc(penalty.ends_at)}` : "no end");
    return `Evidence: ${parts.join(" · ")}`;
  }

  function appealItem(appeal) {
    const li = element("li", null, "fp-item");
    li.dataset.appeal = String(appeal.id);
    const kind = PENALTIES[appeal.penalty.kind] || appeal.penalty.kind;
    const head = element("p", null, "fp-head");
    head.append(element("strong", appeal.member_name), element("span", ` · ${kind}: ${appeal.penalty.reason}`));
    li.append(
      head,
      element("p", penaltyEvidence(appeal.penalty), "fp-evidence"),
      element("blockquote", appeal.text, "fp-quote"),
      element("p", `Appealed ${utc(appeal.created_at)}${where(appeal.community_id)}`, "hint")
    );
    const actions = element("p", null, "fp-actions");
    const decide = (upheld) => decideAppeal(li, appeal, upheld, kind);
    actions.append(
      button("Lift", "lift", () => decide(true)),
      button("Keep", "secondary keep", () => decide(false))
    );
    li.append(actions);
    return li;
  }

  function showAppeals(queue) {
    const items = queue.items.map(appealItem);
    $("appeals-summary").textContent = items.length ? `(${numbers.format(items.length)} waiting)` : "";
    if (!items.length) return empty("appeals-list", "No appeal waits for you.");
    $("appeals-list").replaceChildren(...items);
  }

  async function decideAppeal(li, appeal, upheld, kind) {
    for (const node of li.querySelectorAll("button")) node.disabled = true;
    const done = await post(`appeals/${appeal.id}/decide`, { upheld });
    if (done.ok) {
      li.remove();
      $("appeals-said").textContent = upheld
        ? `Lifted ${appeal.member_name}'s ${kind}; they are told.`
        : `Kept ${appeal.member_name}'s ${kind}; they are told.`;
      if (!$("appeals-list").children.length) empty("appeals-list", "No appeal waits for you.");
    } else if (done.status === 409) {
      $("appeals-said").textContent = `Someone else decided ${appeal.member_name}'s appeal already. The list is up to date again.`;
    } else {
      $("appeals-said").textContent = `Refused: ${done.answer.detail || `HTTP ${done.status}`}`;
    }
    if (!done.ok) await refreshNow();
  }

  // Flagged groups ------------------------------------------------------------------------------

  // A wait in hours as the bot says it: minutes under an hour (a minute at least), hours under two
  // days, then days.
  function duration(hours) {
    if (typeof hours !== "number") return null;
    const plural = (n, unit) => `${n} ${unit}${n === 1 ? "" : "s"}`;
    if (hours < 1) return plural(Math.max(1, Math.round(hours * 60)), "minute");
    if (hours < 48) return plural(Math.round(hours), "hour");
    return plural(Math.round(hours / 24), "day");
  }

  // The bot's evidence lines (bot/rings.py evidence_lines), with the same numbers.
  function evidenceLines(evidence) {
    const inside = Number(evidence.internal_exchanges || 0);
    const lines = [
      `${percent(evidence.internal_share) || "0%"} of their exchanges were with each other (${numbers.format(inside)} ` +
        `exchange${inside === 1 ? "" : "s"} inside the group); matching alone would give about ${percent(evidence.expected_share, 1) || "0%"}`,
    ];
    const timing = evidence.timing || {};
    const soon = duration(timing.inside_median_h);
    const usual = duration(timing.community_median_h);
    if (soon && usual) lines.push(`they took each other's content after ${soon} (usual in the community: ${usual})`);
    const texts = evidence.text_similarity || {};
    const across = percent(texts.across_members);
    if (across) {
      const outsiders = percent(texts.with_outsiders);
      lines.push(`their feedback to each other shares ${across} of its word pairs${outsiders ? ` (with others' feedback: ${outsiders})` : ""}`);
    }
    return lines;
  }

  function ringItem(ring) {
    const li = element("li", null, "fp-item");
    li.dataset.ring = String(ring.id);
    const head = element("p", null, "fp-head");
    head.append(element("strong", `Group #${ring.id}`), element("span", ` · ${ring.member_names.join(", ")}`));
    const evidence = element("ul", null, "fp-evidence");
    evidence.append(...evidenceLines(ring.evidence).map((line) => element("li", line)));
    const actions = element("p", null, "fp-actions");
    actions.append(
      button("Clear", "secondary clear", () => decideRing(li, ring, "clear")),
      button("Confirm", "confirm", () => decideRing(li, ring, "confirm"))
    );
    li.append(head, evidence, element("p", `Flagged ${utc(ring.flagged_at)}${where(ring.community_id)}`, "hint"), actions);
    return li;
  }

  let confirmed = 0;

  function ringsSummary(flagged) {
    $("rings-summary").textContent = `(${numbers.format(flagged)} flagged, ${numbers.format(confirmed)} confirmed)`;
  }

  function showRings(rings) {
    const flagged = rings.items.filter((r) => r.status === "flagged");
    confirmed = rings.items.filter((r) => r.status === "confirmed").length;
    ringsSummary(flagged.length);
    if (!flagged.length) return empty("rings-list", "No group is flagged: nobody is kept apart for now but confirmed groups.");
    $("rings-list").replaceChildren(...flagged.map(ringItem));
  }

  async function decideRing(li, ring, verdict) {
    for (const node of li.querySelectorAll("button")) node.disabled = true;
    const done = await post(`rings/${ring.id}/${verdict}`);
    if (done.ok) {
      li.remove();
      if (verdict === "confirm") confirmed += 1;
      ringsSummary($("rings-list").querySelectorAll("li.fp-item").length);
      $("rings-said").textContent =
        verdict === "confirm"
          ? `Group #${ring.id} confirmed: its members stay apart in matching.`
          : `Group #${ring.id} cleared: matching may give them each other's content again.`;
      if (!$("rings-list").children.length) empty("rings-list", "No group is flagged: nobody is kept apart for now but confirmed groups.");
    } else if (done.status === 409) {
      $("rings-said").textContent = `Someone else decided group #${ring.id} already. The list is up to date again.`;
    } else {
      $("rings-said").textContent = `Refused: ${done.answer.detail || `HTTP ${done.status}`}`;
    }
    if (!done.ok) await refreshNow();
  }

  // Cooldowns and the admission cap -------------------------------------------------------------

  function cell(label, text) {
    const td = element("td", text);
    td.dataset.label = label;
    return td;
  }

  function showEvents(events) {
    const cooldowns = events.counts.cooldown_started;
    const refused = events.counts.admission_refused;
    $("events-counts").textContent =
      `Last 24 h: ${numbers.format(cooldowns)} cooldown${cooldowns === 1 ? "" : "s"} started (low health) · ` +
      `${numbers.format(refused)} newcomer${refused === 1 ? "" : "s"} refused by the admission cap`;
    const rows = events.items.map((e) => {
      const tr = document.createElement("tr");
      const who = e.member_name !== null ? e.member_name : e.telegram_user_id !== null ? `Telegram user ${e.telegram_user_id}` : "–";
      tr.append(
        cell("When (UTC)", utc(e.at).replace(" UTC", "")),
        cell("What", e.kind === "cooldown_started" ? "cooldown" : "admission refused"),
        cell("Who", `${who}${where(e.community_id)}`),
        cell("Until (UTC)", e.until ? utc(e.until).replace(" UTC", "") : "–"),
        cell("Health", typeof e.health === "number" ? `${Math.round(e.health * 100)}%` : "–")
      );
      return tr;
    });
    if (!rows.length) {
      const tr = document.createElement("tr");
      const td = cell("", "No cooldown started and nobody was refused in the last 24 hours.");
      td.colSpan = 5;
      tr.append(td);
      rows.push(tr);
    }
    $("events").tBodies[0].replaceChildren(...rows);
  }

  // Refreshing ----------------------------------------------------------------------------------

  async function refreshNow() {
    const asked = generation;
    try {
      const [appeals, rings, events] = await Promise.all([
        getJSON("appeals", { limit: 50 }),
        getJSON("rings"),
        getJSON("fair-play", { hours: 24, limit: EVENT_ROWS }),
      ]);
      if (asked !== generation) return; // answers for filters no longer chosen
      showAppeals(appeals);
      showRings(rings);
      showEvents(events);
    } catch (error) {
      if (error instanceof SessionEnded) stopped = true; // dashboard.js says how to log in again
      else console.warn("fair play refresh failed", error);
    }
  }

  document.addEventListener("dashboard:refresh", (event) => {
    if (stopped) return;
    const fresh = event.detail.generation !== generation;
    round = fresh ? 0 : round + 1;
    generation = event.detail.generation;
    if (fresh) {
      $("appeals-said").textContent = "";
      $("rings-said").textContent = "";
    }
    if (round % EVERY_NTH_ROUND === 0) refreshNow();
  });
})();
