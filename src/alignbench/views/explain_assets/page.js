// alignbench explain: renders one article pair at a time from the embedded JSON. Every text from the
// data goes into the DOM as text (textContent), never as markup. State lives in the URL hash
// (#pair=3&outcome=false,missed&relation=contradiction&tag=T&min=0.4&diff=1&claim=ID), so a view can be
// shared, and the page records what it shows in data-* attributes of <body> (for tests and scripts).
(function () {
  "use strict";
  const started = performance.now();
  const errorBox = document.getElementById("js-errors");
  function reportError(message) {
    errorBox.hidden = false;
    errorBox.textContent += message + "\n";
    document.body.dataset.jsErrors = "1";
  }
  window.addEventListener("error", (e) => reportError("error: " + (e.message || e)));
  window.addEventListener("unhandledrejection", (e) => reportError("error: " + e.reason));

  const D = JSON.parse(document.getElementById("explain-data").textContent);
  const L = D.links, C = D.claims, nSys = D.systems.length;
  const NONE = D.labels.indexOf("none");
  const OUT = D.outcomes.concat(["not_linked"]); // -1 (decided by the other system only) -> not_linked
  const outName = (o) => (o < 0 ? "not_linked" : D.outcomes[o]);
  const TITLES = {
    correct: "correct link + relation", wrong_relation: "correct link, wrong relation", false: "false link",
    missed: "missed sure link", found_possible: "found possible link", missed_possible: "missed possible link",
    not_linked: "not linked",
  };
  // severity order: a claim takes the colour of its worst visible link
  const SEVERITY = ["false", "missed", "wrong_relation", "missed_possible", "found_possible", "correct", "not_linked"];
  const CONTRA = D.labels.indexOf("contradiction");
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const fmt = (s) => (s === null || s === undefined ? "–" : s.toFixed(3));
  const pairName = (k) => D.articles[D.pairs[k].a].id + " ~ " + D.articles[D.pairs[k].b].id;
  const claimText = (i) => {
    const art = D.articles[articleOf(i)];
    return art.text.slice(C.start[i], C.end[i]);
  };
  const articleOf = (i) => {
    // articles hold contiguous claim ranges: binary search on the first claim
    let lo = 0, hi = D.articles.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (D.articles[mid].claims[0] <= i) lo = mid; else hi = mid - 1;
    }
    return lo;
  };
  const contradictory = (r) => L.gold[r] === CONTRA || [...Array(nSys).keys()].some((s) => L["label" + s][r] === CONTRA);

  const state = { pair: 0, outcomes: new Set(OUT), relations: new Set(D.labels.filter((l) => l !== "none")),
    tag: "", min: null, diff: false, claim: null };

  function readHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    const pair = parseInt(h.get("pair") || "0", 10);
    state.pair = Number.isFinite(pair) && pair >= 0 && pair < D.pairs.length ? pair : 0;
    state.outcomes = new Set(h.has("outcome") ? h.get("outcome").split(",").filter((o) => OUT.includes(o)) : OUT);
    state.relations = new Set(h.has("relation") ? h.get("relation").split(",").filter((r) => D.relations.includes(r))
      : D.relations);
    state.tag = D.tags.includes(h.get("tag")) ? h.get("tag") : "";
    const min = parseFloat(h.get("min"));
    state.min = Number.isFinite(min) ? min : null;
    state.diff = h.get("diff") === "1" && nSys > 1;
    state.claim = h.get("claim");
  }
  function writeHash() {
    const h = new URLSearchParams();
    h.set("pair", String(state.pair));
    if (state.outcomes.size !== OUT.length) h.set("outcome", [...state.outcomes].join(","));
    if (state.relations.size !== D.relations.length) h.set("relation", [...state.relations].join(","));
    if (state.tag) h.set("tag", state.tag);
    if (state.min !== null) h.set("min", String(state.min));
    if (state.diff) h.set("diff", "1");
    if (state.claim) h.set("claim", state.claim);
    try { history.replaceState(null, "", "#" + h.toString()); } catch (e) { /* some file:// setups refuse */ }
  }
  function syncControls() {
    document.querySelectorAll("input[name=outcome]").forEach((i) => { i.checked = state.outcomes.has(i.value); });
    document.querySelectorAll("input[name=relation]").forEach((i) => { i.checked = state.relations.has(i.value); });
    if ($("tag")) $("tag").value = state.tag;
    $("min-score").value = state.min === null ? "" : String(state.min);
    if ($("diff-only")) $("diff-only").checked = state.diff;
    $("pair").value = String(state.pair);
  }

  function differs(r) {
    return nSys > 1 && (L.outcome0[r] !== L.outcome1[r] || L.label0[r] !== L.label1[r]);
  }
  function visible(r) {
    const outs = [...Array(nSys).keys()].map((s) => outName(L["outcome" + s][r]));
    if (!outs.some((o) => state.outcomes.has(o))) return false;
    const rels = [L.gold[r], ...[...Array(nSys).keys()].map((s) => L["label" + s][r])].filter((x) => x !== NONE);
    if (!rels.some((x) => state.relations.has(D.labels[x]))) return false;
    if (state.tag && !(D.link_tags[r] || []).includes(D.tags.indexOf(state.tag))) return false;
    if (state.min !== null) {
      const scores = [...Array(nSys).keys()].map((s) => L["score" + s][r]).filter((x) => x !== null);
      if (!scores.length || Math.max(...scores) < state.min) return false;
    }
    if (state.diff && !differs(r)) return false;
    return true;
  }

  // --- the two articles ---------------------------------------------------------------------------
  const claimEls = new Map(); // global claim index -> span
  function renderArticle(ai, box) {
    const art = D.articles[ai];
    box.replaceChildren();
    box.append(el("h3", "", art.title || art.id));
    const meta = el("div", "meta", art.id + " · " + art.source + (art.published ? " · " + art.published : ""));
    if (art.url && /^https?:\/\//i.test(art.url)) {
      meta.append(" · ");
      const a = el("a", "", art.url);
      a.href = art.url;
      a.rel = "noreferrer noopener";
      meta.append(a);
    }
    box.append(meta);
    const text = art.text, kept = art.kept;
    const [first, count] = art.claims;
    const order = [];
    for (let i = first; i < first + count; i++) order.push(i);
    order.sort((x, y) => C.start[x] - C.start[y] || x - y);
    const clamp = (x) => Math.max(0, Math.min(text.length, x));
    const cuts = new Set([0, text.length]);
    kept.forEach(([s, e]) => { cuts.add(clamp(s)); cuts.add(clamp(e)); });
    order.forEach((i) => { cuts.add(clamp(C.start[i])); cuts.add(clamp(C.end[i])); });
    const points = [...cuts].sort((x, y) => x - y);
    const body = el("div", "text");
    let k = 0, c = 0, span = null, spanClaim = -1;
    for (let j = 0; j + 1 < points.length; j++) {
      const s = points[j], e = points[j + 1];
      while (k < kept.length && kept[k][1] <= s) k++;
      while (c < order.length && C.end[order[c]] <= s) c++;
      const inKept = k < kept.length && kept[k][0] <= s;
      const claim = c < order.length && C.start[order[c]] <= s ? order[c] : -1;
      if (claim !== spanClaim) {
        spanClaim = claim;
        span = null;
        if (claim >= 0 && !claimEls.has(claim)) {
          span = claimSpan(claim);
          body.append(span);
        } else if (claim >= 0) {
          span = claimEls.get(claim);
        }
      }
      const piece = inKept ? document.createTextNode(text.slice(s, e)) : el("span", "chrome", text.slice(s, e));
      (span || body).append(piece);
    }
    box.append(body);
    // claims that cover no text (empty or overlapping spans) still get a span, listed after the text
    const rest = order.filter((i) => !claimEls.has(i));
    if (rest.length) {
      const more = el("div", "meta", "claims not placed in the text: ");
      rest.forEach((i) => { const s = claimSpan(i); s.append(claimText(i) || "∅"); more.append(s, " "); });
      box.append(more);
    }
  }
  function claimSpan(i) {
    const s = el("span", "claim");
    s.dataset.claim = C.id[i];
    s.dataset.idx = String(i);
    s.append(el("span", "cid", C.id[i]));
    s.title = C.id[i] + (C.statement[i] ? "\n" + C.statement[i] : "");
    claimEls.set(i, s);
    return s;
  }

  // --- links: the table and the lines between the articles -----------------------------------------
  function linkRow(r) {
    const tr = el("tr", "link");
    tr.dataset.link = String(r);
    tr.dataset.a = C.id[L.a[r]];
    tr.dataset.b = C.id[L.b[r]];
    tr.dataset.gold = D.labels[L.gold[r]];
    tr.dataset.outcome = outName(L.outcome0[r]);
    tr.dataset.label = D.labels[L.label0[r]];
    if (contradictory(r)) tr.classList.add("contra");
    for (const i of [L.a[r], L.b[r]]) {
      const td = el("td", "text");
      td.append(el("b", "", C.id[i]), " ", claimText(i));
      tr.append(td);
    }
    tr.append(el("td", "rel-" + D.labels[L.gold[r]], L.gold[r] === NONE ? "–" : D.labels[L.gold[r]]));
    for (let s = 0; s < nSys; s++) {
      const diff = s > 0 && differs(r) ? " differs" : "";
      const lab = L["label" + s][r];
      tr.append(el("td", "rel-" + D.labels[lab] + diff, lab === NONE ? "none" : D.labels[lab]));
      tr.append(el("td", "num" + diff, fmt(L["score" + s][r])));
      const td = el("td", diff.trim());
      const o = outName(L["outcome" + s][r]);
      td.append(el("span", "badge o-" + o, TITLES[o]));
      tr.append(td);
    }
    if (D.tags.length) tr.append(el("td", "", (D.link_tags[r] || []).map((t) => D.tags[t]).join(", ")));
    tr.addEventListener("click", () => select(L.a[r], r));
    return tr;
  }

  let shown = [];
  function renderPair() {
    const p = D.pairs[state.pair];
    claimEls.clear();
    renderArticle(p.a, $("doc-a"));
    renderArticle(p.b, $("doc-b"));
    const tbody = $("links").tBodies[0];
    tbody.replaceChildren();
    shown = [];
    const counts = {};
    for (let r = p.lo; r < p.hi; r++) {
      const o = outName(L.outcome0[r]);
      counts[o] = (counts[o] || 0) + 1;
      const tr = linkRow(r);
      tbody.append(tr);
      shown.push(r);
    }
    const pc = $("pair-counts");
    pc.replaceChildren(el("span", "muted", (p.hi - p.lo) + " links: "));
    OUT.filter((o) => counts[o]).forEach((o) => pc.append(el("span", "badge o-" + o, counts[o] + " " + TITLES[o]), " "));
    applyFilters();
  }

  function applyFilters() {
    const p = D.pairs[state.pair];
    let nVisible = 0;
    const claimOutcome = new Map(), claimContra = new Set();
    for (const tr of $("links").tBodies[0].rows) {
      const r = +tr.dataset.link;
      const v = visible(r);
      tr.hidden = !v;
      if (!v) continue;
      nVisible++;
      const o = outName(L.outcome0[r]);
      for (const i of [L.a[r], L.b[r]]) {
        const prev = claimOutcome.get(i);
        if (prev === undefined || SEVERITY.indexOf(o) < SEVERITY.indexOf(prev)) claimOutcome.set(i, o);
        if (contradictory(r)) claimContra.add(i);
      }
    }
    claimEls.forEach((span, i) => {
      span.className = "claim";
      if (claimOutcome.has(i)) span.classList.add("c-" + claimOutcome.get(i));
      if (claimContra.has(i)) span.classList.add("contra");
    });
    $("link-count").textContent = nVisible + " of " + (p.hi - p.lo) + " shown";
    document.body.dataset.pair = String(state.pair);
    document.body.dataset.visibleLinks = String(nVisible);
    document.body.dataset.totalLinks = String(p.hi - p.lo);
    document.body.dataset.claims = String(claimEls.size);
    drawLines();
    showDetails(state.claim !== null && C.id.indexOf(state.claim) >= 0 ? C.id.indexOf(state.claim) : null, null);
  }

  const SVGNS = "http://www.w3.org/2000/svg";
  function drawLines() {
    const g = $("gutter");
    g.replaceChildren();
    const gb = g.getBoundingClientRect();
    const height = Math.max($("doc-a").offsetHeight, $("doc-b").offsetHeight);
    g.setAttribute("height", String(height));
    g.style.height = height + "px";
    const w = gb.width || 90;
    for (const tr of $("links").tBodies[0].rows) {
      if (tr.hidden) continue;
      const r = +tr.dataset.link;
      const ea = claimEls.get(L.a[r]), eb = claimEls.get(L.b[r]);
      if (!ea || !eb) continue;
      const ra = ea.getClientRects()[0] || ea.getBoundingClientRect();
      const rb = eb.getClientRects()[0] || eb.getBoundingClientRect();
      const y1 = ra.top + ra.height / 2 - gb.top, y2 = rb.top + rb.height / 2 - gb.top;
      const path = document.createElementNS(SVGNS, "path");
      path.setAttribute("d", `M0,${y1} C${w / 2},${y1} ${w / 2},${y2} ${w},${y2}`);
      path.setAttribute("class", "link-line o-" + outName(L.outcome0[r]) + (contradictory(r) ? " contra" : ""));
      path.dataset.link = String(r);
      const title = document.createElementNS(SVGNS, "title");
      title.textContent = C.id[L.a[r]] + " ~ " + C.id[L.b[r]] + ": " + TITLES[outName(L.outcome0[r])];
      path.append(title);
      g.append(path);
    }
  }

  // --- details of a claim ------------------------------------------------------------------------
  function showDetails(i, activeLink) {
    const d = $("details");
    document.querySelectorAll(".claim.selected, .claim.linked-to").forEach((s) => s.classList.remove("selected", "linked-to"));
    document.querySelectorAll("path.link-line.active").forEach((p) => p.classList.remove("active"));
    if (i === null) return;
    d.replaceChildren();
    const span = claimEls.get(i);
    if (span) span.classList.add("selected");
    d.append(el("h3", "", C.id[i]), el("p", "", "“" + claimText(i) + "”"));
    if (C.statement[i]) d.append(el("p", "muted", "statement: " + C.statement[i]));
    const p = D.pairs[state.pair];
    let n = 0;
    for (let r = p.lo; r < p.hi; r++) {
      if (L.a[r] !== i && L.b[r] !== i) continue;
      n++;
      const other = L.a[r] === i ? L.b[r] : L.a[r];
      if (claimEls.get(other)) claimEls.get(other).classList.add("linked-to");
      const line = document.querySelector(`path.link-line[data-link="${r}"]`);
      if (line) line.classList.add("active");
      const box = el("div", "link");
      box.dataset.link = String(r);
      box.append(el("div", "", "→ " + C.id[other] + ": " + claimText(other)));
      box.append(el("div", "rel-" + D.labels[L.gold[r]], "gold: " + (L.gold[r] === NONE ? "no link" : D.labels[L.gold[r]])));
      for (let s = 0; s < nSys; s++) {
        const o = outName(L["outcome" + s][r]);
        const row = el("div", "", (nSys > 1 ? D.systems[s] + ": " : "predicted: ") + D.labels[L["label" + s][r]] +
          ", score " + fmt(L["score" + s][r]) + " ");
        row.append(el("span", "badge o-" + o, TITLES[o]));
        box.append(row);
      }
      if (L.rationale[r] >= 0) box.append(el("div", "rationale", D.rationales[L.rationale[r]]));
      const tags = (D.link_tags[r] || []).map((t) => D.tags[t]);
      if (tags.length) box.append(el("div", "muted", "tags: " + tags.join(", ")));
      if (r === activeLink) box.style.background = "#f3f7fc";
      if (!visible(r)) box.classList.add("muted");
      d.append(box);
    }
    if (!n) d.append(el("p", "muted", "no gold or decided link in this article pair"));
  }
  function select(i, link) {
    state.claim = C.id[i];
    writeHash();
    showDetails(i, link);
    const span = claimEls.get(i);
    if (span && span.scrollIntoView) span.scrollIntoView({ block: "nearest" });
  }

  // --- worst errors, navigation, filters ---------------------------------------------------------
  const pairOf = (r) => {
    let lo = 0, hi = D.pairs.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (D.pairs[mid].lo <= r) lo = mid; else hi = mid - 1; }
    return lo;
  };
  function renderWorst() {
    for (const kind of ["false", "missed"]) {
      const ol = $("worst-" + kind);
      const rows = D.worst[0][kind];
      if (!rows.length) ol.append(el("li", "muted", "none"));
      rows.forEach((r) => {
        const li = el("li", "");
        li.dataset.worst = String(r);
        const rel = kind === "false" ? "predicted " + D.labels[L.label0[r]] : "gold " + D.labels[L.gold[r]];
        li.append(el("b", "", fmt(L.score0[r])), " ", C.id[L.a[r]] + " ~ " + C.id[L.b[r]] + " (" + rel + "): ",
          el("span", "muted", claimText(L.a[r]) + " | " + claimText(L.b[r])));
        if (contradictory(r)) li.append(" ", el("span", "rel-contradiction", "⚡"));
        li.addEventListener("click", () => {
          state.pair = pairOf(r);
          state.claim = C.id[L.a[r]];
          syncControls();
          writeHash();
          renderPair();
          document.getElementById("view").scrollIntoView();
        });
        ol.append(li);
      });
    }
  }
  function go(pair) {
    state.pair = Math.max(0, Math.min(D.pairs.length - 1, pair));
    state.claim = null;
    $("pair").value = String(state.pair);
    writeHash();
    renderPair();
  }
  function init() {
    const sel = $("pair");
    const frag = document.createDocumentFragment();
    D.pairs.forEach((p, k) => {
      const o = el("option", "", (k + 1) + ". " + pairName(k) + " (" + (p.hi - p.lo) + " links)");
      o.value = String(k);
      frag.append(o);
    });
    sel.append(frag);
    readHash();
    syncControls();
    sel.addEventListener("change", () => go(+sel.value));
    $("prev").addEventListener("click", () => go(state.pair - 1));
    $("next").addEventListener("click", () => go(state.pair + 1));
    document.addEventListener("keydown", (e) => {
      if (e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return;
      if (e.key === "n") go(state.pair + 1);
      if (e.key === "p") go(state.pair - 1);
    });
    const onFilter = () => {
      state.outcomes = new Set([...document.querySelectorAll("input[name=outcome]:checked")].map((i) => i.value));
      state.relations = new Set([...document.querySelectorAll("input[name=relation]:checked")].map((i) => i.value));
      state.tag = $("tag") ? $("tag").value : "";
      const min = parseFloat($("min-score").value);
      state.min = Number.isFinite(min) ? min : null;
      state.diff = $("diff-only") ? $("diff-only").checked : false;
      writeHash();
      applyFilters();
    };
    $("filters").addEventListener("change", onFilter);
    $("min-score").addEventListener("input", onFilter);
    $("hide-chrome").addEventListener("change", () => {
      document.body.classList.toggle("hide-chrome", $("hide-chrome").checked);
      drawLines();
    });
    $("reset").addEventListener("click", () => { location.hash = "pair=" + state.pair; });
    window.addEventListener("hashchange", () => { readHash(); syncControls(); renderPair(); });
    window.addEventListener("resize", drawLines);
    $("docs").addEventListener("mouseover", (e) => {
      const s = e.target.closest ? e.target.closest(".claim") : null;
      if (s) showDetails(+s.dataset.idx, null);
    });
    $("docs").addEventListener("click", (e) => {
      const s = e.target.closest ? e.target.closest(".claim") : null;
      if (s) select(+s.dataset.idx, null);
    });
    renderWorst();
    renderPair();
    document.body.dataset.ready = "1";
    document.body.dataset.initMs = String(Math.round(performance.now() - started)); // parse + first pair
  }
  try { init(); } catch (e) { reportError("error: " + (e && e.stack ? e.stack : e)); }
})();
