"use strict";
// alignbench annotate: the workbench page. Offsets in the work state are Python str indices (code
// points) into the raw text; the page converts them to and from the browser's UTF-16 positions.
(() => {
const TOKEN = new URLSearchParams(location.search).get("token") || "";
const KEYS = { e: "equivalent", a: "a_more_specific", b: "b_more_specific", c: "contradiction", r: "related", n: "none" };
const KEY_OF = Object.fromEntries(Object.entries(KEYS).map(([k, v]) => [v, k]));
const $ = (sel) => document.querySelector(sel);
const S = { data: null, work: null, view: null, cur: {}, maps: {}, dirty: false, lastSaved: null, timer: null, problems: [] };

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "width") el.style.width = v;  // through the CSSOM: the page's policy forbids style attributes
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c.nodeType ? c : String(c));
  return el;
}

async function api(path, method, body) {
  const res = await fetch(path, {
    method: method || "GET",
    headers: { "X-Workbench-Token": TOKEN, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = {};
  try { data = await res.json(); } catch (err) { data = { message: res.statusText }; }
  return { status: res.status, data };
}

// ---- text offsets -----------------------------------------------------------------------------
function maps(text) {
  const cpOf = new Int32Array(text.length + 1), u16Of = [];
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    cpOf[i] = cp; u16Of.push(i);
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) { i++; cpOf[i] = cp; }
    cp++;
  }
  cpOf[text.length] = cp; u16Of.push(text.length);
  return { cpOf, u16Of };
}
const article = (aid) => S.data.articles.find((a) => a.article_id === aid);
const slice = (aid, s, e) => { const m = S.maps[aid]; return article(aid).raw_text.slice(m.u16Of[s], m.u16Of[e]); };
const length = (aid) => S.maps[aid].u16Of.length - 1;
const isSpace = (ch) => /\s/.test(ch);

function pointOf(node, offset) {
  // (article id, code point offset) of a DOM selection point inside a rendered text
  let seg = null, u = 0;
  if (node.nodeType === Node.TEXT_NODE) {
    seg = node.parentElement.closest(".seg"); u = seg ? +seg.dataset.u + offset : 0;
  } else {
    const text = node.closest ? node.closest(".text") : null;
    if (!text) return null;
    const segs = [...text.querySelectorAll(".seg")];
    const after = node.childNodes[offset];
    seg = after ? segs.find((s) => after === s || after.contains(s) || (after.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING)) : null;
    if (seg) u = +seg.dataset.u; else { seg = segs[segs.length - 1]; u = seg ? +seg.dataset.u + seg.textContent.length : 0; }
  }
  if (!seg) return null;
  const aid = seg.closest(".text").dataset.article;
  return { aid, cp: S.maps[aid].cpOf[u] };
}

function selection() {
  const sel = getSelection();
  if (!sel || !sel.rangeCount) return null;
  const r = sel.getRangeAt(0);
  const a = pointOf(r.startContainer, r.startOffset), b = pointOf(r.endContainer, r.endOffset);
  if (!a || !b) return null;
  if (a.aid !== b.aid) return { error: "select text of one article at a time" };
  return { aid: a.aid, start: Math.min(a.cp, b.cp), end: Math.max(a.cp, b.cp) };
}

function trim(aid, s, e) {
  while (s < e && isSpace(slice(aid, s, s + 1))) s++;
  while (e > s && isSpace(slice(aid, e - 1, e))) e--;
  return [s, e];
}

// ---- work state --------------------------------------------------------------------------------
let uidCounter = 0;
const newUid = () => `new${Date.now().toString(36)}${uidCounter++}`;

function freshWork() {
  const d = S.data, w = { kept: {}, claims: [], links: {}, considered: {}, decisions: {}, proposals: {}, edited_at: 0 };
  for (const a of d.articles) w.kept[a.article_id] = a.kept_ranges.map((r) => [...r]);
  for (const c of d.claims) w.claims.push({ uid: c.claim_id, claim_id: c.claim_id, article_id: c.article_id, start: c.start, end: c.end, statement: c.statement || "" });
  for (const x of d.links || []) w.links[`${x.claim_a}|${x.claim_b}`] = { relation: x.relation, rationale: x.rationale, tags: x.tags || [] };
  for (const [a, b] of d.considered || []) w.considered[`${a}|${b}`] = true;
  return w;
}

const locked = () => S.data.locked.length > 0;
const claimsOf = (aid) => S.work.claims.filter((c) => c.article_id === aid).sort((x, y) => x.start - y.start);
const claimByUid = (uid) => S.work.claims.find((c) => c.uid === uid);
const pad = (n) => String(n).padStart(3, "0");
function claimId(c) {
  if (locked()) return c.claim_id;
  return `${c.article_id}-${pad(claimsOf(c.article_id).indexOf(c) + 1)}`;
}
const claimText = (c) => slice(c.article_id, c.start, c.end);
const articleIds = () => S.data.articles.map((a) => a.article_id).sort();
function pairs() {
  const ids = articleIds(), out = [];
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) out.push([ids[i], ids[j]]);
  return out;
}
function cellsTotal() { return pairs().reduce((n, [a, b]) => n + claimsOf(a).length * claimsOf(b).length, 0); }
function consideredCount() {
  let n = 0;
  for (const [a, b] of pairs()) for (const x of claimsOf(a)) for (const y of claimsOf(b)) if (S.work.considered[`${x.uid}|${y.uid}`]) n++;
  return n;
}

function changed() {
  S.work.edited_at = Date.now();
  S.dirty = true;
  try { localStorage.setItem(storeKey(), JSON.stringify({ work: S.work, base: S.data.base })); } catch (err) { /* storage full: the server draft remains */ }
  clearTimeout(S.timer);
  S.timer = setTimeout(pushDraft, 600);
  status("unsaved changes");
  render();
}
const storeKey = () => `alignbench-annotate:${S.data.cluster}:${S.data.mode === "pass" ? S.data.pass_name : "adjudicate-" + S.data.passes.join("-")}`;

async function pushDraft() {
  try {
    const { status: code } = await api("api/draft", "POST", { work: S.work, base: S.data.base });
    if (code === 200) status(`unsaved changes (draft kept ${new Date().toLocaleTimeString()})`);
    else status("the draft could not be kept on the server: work kept in this browser");
  } catch (err) {
    status("server unreachable: work kept in this browser; restart alignbench annotate and reload");
  }
}

function status(text) { $("#status").textContent = text; document.body.dataset.status = text; }
function banner(text, kind) {
  const b = $("#banner");
  b.hidden = !text; b.textContent = text || ""; b.className = kind || "";
}

// ---- chrome and claims -------------------------------------------------------------------------
function inKept(aid, s, e) { return S.work.kept[aid].some(([x, y]) => x <= s && e <= y); }

function setRemoved(aid, s, e, removed) {
  const n = length(aid), keep = new Uint8Array(n);
  for (const [x, y] of S.work.kept[aid]) keep.fill(1, x, y);
  keep.fill(removed ? 0 : 1, s, e);
  const ranges = [];
  for (let i = 0; i < n; ) {
    if (!keep[i]) { i++; continue; }
    let j = i; while (j < n && keep[j]) j++;
    ranges.push([i, j]); i = j;
  }
  if (!ranges.length) return banner("that would remove the whole article: keep something");
  const broken = claimsOf(aid).filter((c) => !ranges.some(([x, y]) => x <= c.start && c.end <= y));
  if (broken.length) return banner(`that would cut claim ${claimId(broken[0])}: delete or change it first`);
  S.work.kept[aid] = ranges; banner(""); changed();
}

function makeClaim(aid, s, e, statement) {
  [s, e] = trim(aid, s, e);
  if (s >= e) return banner("select the words of the claim first (the selection is empty)");
  if (!inKept(aid, s, e)) return banner("a claim must lie inside the kept text (it touches removed page chrome)");
  const hit = claimsOf(aid).find((c) => c.start < e && s < c.end);
  if (hit) return banner(`the selection overlaps claim ${claimId(hit)}: claims never overlap`);
  const c = { uid: newUid(), claim_id: null, article_id: aid, start: s, end: e, statement: statement || "" };
  S.work.claims.push(c);
  S.cur.claim = c.uid; banner(""); getSelection().removeAllRanges(); changed();
}

function dropCells(uid) {
  for (const k of Object.keys(S.work.links)) if (k.split("|").includes(uid)) delete S.work.links[k];
  for (const k of Object.keys(S.work.considered)) if (k.split("|").includes(uid)) delete S.work.considered[k];
}
function deleteClaim(uid) {
  const c = claimByUid(uid); if (!c) return;
  S.work.claims = S.work.claims.filter((x) => x !== c); dropCells(uid); S.cur.claim = null; changed();
}
function splitClaim(uid, at) {
  const c = claimByUid(uid);
  if (!c || at <= c.start || at >= c.end) return banner("put the cursor inside the selected claim, where it should be split, then press s");
  const [s1, e1] = trim(c.article_id, c.start, at), [s2, e2] = trim(c.article_id, at, c.end);
  if (s1 >= e1 || s2 >= e2) return banner("both parts of a split need some words");
  dropCells(uid);
  S.work.claims = S.work.claims.filter((x) => x !== c);
  S.work.claims.push({ ...c, uid: newUid(), claim_id: null, start: s1, end: e1 }, { ...c, uid: newUid(), claim_id: null, start: s2, end: e2 });
  banner(""); changed();
}
function mergeNext(uid) {
  const c = claimByUid(uid); if (!c) return;
  const list = claimsOf(c.article_id), next = list[list.indexOf(c) + 1];
  if (!next) return banner("no next claim in this article to merge with");
  if (!inKept(c.article_id, c.start, next.end)) return banner("the two claims are separated by removed page chrome");
  dropCells(uid); dropCells(next.uid);
  S.work.claims = S.work.claims.filter((x) => x !== c && x !== next);
  const statement = [c.statement, next.statement].filter(Boolean).join(" ");
  const m = { ...c, uid: newUid(), claim_id: null, end: next.end, statement };
  S.work.claims.push(m); S.cur.claim = m.uid; banner(""); changed();
}

async function propose(aid) {
  const { status: code, data } = await api("api/sentences", "POST", { article_id: aid, kept_ranges: S.work.kept[aid] });
  if (code !== 200) return banner(data.message || "no proposal");
  const free = data.sentences.map(([s, e]) => trim(aid, s, e)).filter(([s, e]) => s < e && !claimsOf(aid).some((c) => c.start < e && s < c.end));
  S.work.proposals[aid] = free;
  banner(`${free.length} sentence(s) proposed in ${aid}: accept each one that is a claim (Enter), or dismiss it (Delete)`, "info");
  S.cur.proposal = free.length ? { aid, i: 0 } : null;
  changed();
}
function acceptProposal(aid, i) {
  const [s, e] = S.work.proposals[aid][i];
  S.work.proposals[aid].splice(i, 1);
  makeClaim(aid, s, e);
  S.cur.proposal = S.work.proposals[aid].length ? { aid, i: Math.min(i, S.work.proposals[aid].length - 1) } : null;
}
function dismissProposal(aid, i) {
  S.work.proposals[aid].splice(i, 1);
  S.cur.proposal = S.work.proposals[aid].length ? { aid, i: Math.min(i, S.work.proposals[aid].length - 1) } : null;
  changed();
}

function renderText(aid, mode) {
  const text = article(aid).raw_text, m = S.maps[aid], n = length(aid);
  const cuts = new Set([0, n]);
  for (const [s, e] of S.work.kept[aid]) { cuts.add(s); cuts.add(e); }
  const claims = mode === "claims" ? claimsOf(aid) : [];
  const props = mode === "claims" ? S.work.proposals[aid] || [] : [];
  for (const c of claims) { cuts.add(c.start); cuts.add(c.end); }
  for (const [s, e] of props) { cuts.add(s); cuts.add(e); }
  const sorted = [...cuts].sort((x, y) => x - y), box = h("div", { class: "text", dataset: { article: aid } });
  for (let i = 0; i + 1 < sorted.length; i++) {
    const s = sorted[i], e = sorted[i + 1];
    const cls = ["seg"];
    if (!inKept(aid, s, e)) cls.push("removed");
    const c = claims.find((x) => x.start <= s && e <= x.end);
    const p = props.findIndex(([x, y]) => x <= s && e <= y);
    const data = { u: m.u16Of[s] };
    if (c) {
      cls.push("claim"); data.claim = c.uid;
      if (c.start === s) { cls.push("first"); data.n = claimId(c).split("-").pop(); }
      if (S.cur.claim === c.uid) cls.push("selected");
    } else if (p >= 0) {
      cls.push("proposal"); data.proposal = p;
      if (S.cur.proposal && S.cur.proposal.aid === aid && S.cur.proposal.i === p) cls.push("selected");
    }
    box.append(h("span", { class: cls.join(" "), dataset: data }, text.slice(m.u16Of[s], m.u16Of[e])));
  }
  box.addEventListener("click", (ev) => {
    const seg = ev.target.closest(".seg");
    if (!seg || !getSelection().isCollapsed) return;
    if (seg.dataset.claim) { S.cur.claim = seg.dataset.claim; render(); }
    else if (seg.dataset.proposal !== undefined) { S.cur.proposal = { aid, i: +seg.dataset.proposal }; render(); }
  });
  return box;
}

function viewChrome() {
  const cols = h("div", { class: "columns" });
  for (const aid of articleIds()) {
    const a = article(aid), kept = S.work.kept[aid];
    cols.append(h("section", { class: "panel" },
      h("h2", {}, aid), h("div", { class: "meta" }, [a.source, a.title].filter(Boolean).join(" · ")),
      h("div", { class: "toolbar" },
        h("button", { type: "button", disabled: locked(), onclick: () => act("remove") }, "Remove selection (x)"),
        h("button", { type: "button", disabled: locked(), onclick: () => act("keep") }, "Keep selection (k)")),
      renderText(aid, "chrome"),
      h("p", { class: "hint" }, `kept: ${kept.map(([s, e]) => `[${s}, ${e}]`).join(" ")} of ${length(aid)} characters`)));
  }
  return h("div", { class: "mode-chrome" },
    h("p", { class: "hint" }, "Select page chrome (menus, bylines of the aggregator, 'Sign up' lines) and press ", h("kbd", {}, "x"), " to remove it; ", h("kbd", {}, "k"), " keeps a selection again. The raw text is never changed: only the kept ranges are recorded."),
    cols);
}

function viewClaims() {
  const cols = h("div", { class: "columns" });
  for (const aid of articleIds()) {
    const list = h("ol", { class: "claims" });
    for (const c of claimsOf(aid)) {
      const id = claimId(c);
      list.append(h("li", { class: S.cur.claim === c.uid ? "selected" : "", dataset: { claim: c.uid, id } },
        h("span", { class: "cid" }, id), " ", h("span", { class: "quote" }, `“${claimText(c)}”`),
        h("input", { type: "text", placeholder: "statement: a self-contained paraphrase (optional, adds nothing)", value: c.statement, disabled: locked(),
          "aria-label": `statement of ${id}`, oninput: (ev) => { c.statement = ev.target.value; changed(); }, onfocus: () => { S.cur.claim = c.uid; } }),
        h("div", { class: "toolbar" },
          h("button", { type: "button", class: "small", disabled: locked(), onclick: () => { S.cur.claim = c.uid; act("split"); } }, "split at cursor (s)"),
          h("button", { type: "button", class: "small", disabled: locked(), onclick: () => mergeNext(c.uid) }, "merge with next (m)"),
          h("button", { type: "button", class: "small", disabled: locked(), onclick: () => deleteClaim(c.uid) }, "delete (Del)"))));
    }
    const props = S.work.proposals[aid] || [];
    cols.append(h("section", { class: "panel" },
      h("h2", {}, `${aid} · ${claimsOf(aid).length} claims`),
      h("div", { class: "toolbar" },
        h("button", { type: "button", disabled: locked(), onclick: () => act("claim") }, "Claim from selection (c)"),
        h("button", { type: "button", disabled: locked(), onclick: () => propose(aid) }, "Propose sentences"),
        props.length ? h("span", { class: "hint" }, `${props.length} proposal(s): Enter accepts the selected one, Delete dismisses it`) : null),
      renderText(aid, "claims"), list));
  }
  const lockNote = locked() ? h("p", { class: "hint" }, `The claims are fixed: ${S.data.locked.join("; ")}.`) : null;
  return h("div", { class: "mode-claims" },
    h("p", { class: "hint" }, "Select the words of one atomic fact and press ", h("kbd", {}, "c"), ". Offsets are exact, so a phrase that occurs twice is anchored where you selected it. A proposal is only a start: every claim is confirmed by you."),
    lockNote, cols);
}

// ---- links -------------------------------------------------------------------------------------
function currentPair() {
  const all = pairs();
  if (!S.cur.pair || !all.some((p) => p.join() === S.cur.pair.join())) S.cur.pair = all[0] || null;
  return S.cur.pair;
}
function cell(aUid, bUid) { return S.work.links[`${aUid}|${bUid}`] || null; }
function label(aUid, bUid) {
  const l = cell(aUid, bUid);
  return l ? l.relation : S.work.considered[`${aUid}|${bUid}`] ? "none" : "unseen";
}
function setRelation(relation) {
  const [A, B] = currentPair(), a = S.cur.a, b = S.cur.b;
  if (!a || !b) return;
  const key = `${a}|${b}`;
  S.work.considered[key] = true;
  if (relation === "none") delete S.work.links[key];
  else S.work.links[key] = { rationale: "", tags: [], ...(S.work.links[key] || {}), relation };
  if (relation === "none") nextCell();
  changed();
  if (relation !== "none") { const r = $("#rationale"); if (r) r.focus(); }
}
function nextCell() {  // go on to the next cell nobody has looked at: this claim of A first, then the next ones
  const [A, B] = currentPair(), a = S.cur.a, b = S.cur.b;
  const bs = claimsOf(B), start = bs.findIndex((x) => x.uid === b);
  const next = bs.slice(start + 1).concat(bs.slice(0, start)).find((x) => !S.work.considered[`${a}|${x.uid}`]);
  if (next) { S.cur.b = next.uid; return; }
  const as = claimsOf(A), nextA = as.find((x) => bs.some((y) => !S.work.considered[`${x.uid}|${y.uid}`]));
  if (nextA) { S.cur.a = nextA.uid; S.cur.b = (bs.find((y) => !S.work.considered[`${nextA.uid}|${y.uid}`]) || bs[0]).uid; }
}
function move(side, step) {
  const [A, B] = currentPair(), list = claimsOf(side === "a" ? A : B);
  if (!list.length) return;
  const i = list.findIndex((x) => x.uid === S.cur[side]);
  S.cur[side] = list[Math.max(0, Math.min(list.length - 1, i + step))].uid;
  render();
  const el = document.querySelector(`.claim-row.current[data-side="${side}"]`);
  if (el) el.scrollIntoView({ block: "nearest" });
}

function countBadge(done, total) { return h("span", { class: "count" + (done === total && total ? " done" : "") }, `${done}/${total}`); }

function viewLinks() {
  const pair = currentPair();
  if (!pair) return h("p", {}, "Linking needs two articles in the cluster.");
  const [A, B] = pair, as = claimsOf(A), bs = claimsOf(B);
  if (!as.length || !bs.length) return h("p", {}, "Make the claims of both articles first (step 2).");
  if (!as.some((x) => x.uid === S.cur.a)) S.cur.a = as[0].uid;
  if (!bs.some((x) => x.uid === S.cur.b)) S.cur.b = bs[0].uid;
  const tabs = h("div", { class: "pair-tabs" }, pairs().map((p) => h("button", { type: "button", class: "small", "aria-current": p.join() === pair.join() ? "true" : null, onclick: () => { S.cur.pair = p; render(); } }, `${p[0]} × ${p[1]}`)));
  const left = h("section", { class: "panel" }, h("h2", {}, `A: ${A}`));
  for (const x of as) {
    const done = bs.filter((y) => S.work.considered[`${x.uid}|${y.uid}`]).length;
    left.append(h("div", { class: "claim-row" + (x.uid === S.cur.a ? " current" : ""), dataset: { side: "a", claim: x.uid, id: claimId(x) }, onclick: () => { S.cur.a = x.uid; render(); } },
      h("div", { class: "body" }, h("span", { class: "cid" }, claimId(x)), " ", claimText(x), x.statement ? h("div", { class: "stmt" }, x.statement) : null),
      countBadge(done, bs.length)));
  }
  const right = h("section", { class: "panel" }, h("h2", {}, `B: ${B}`), h("div", { class: "hint" }, "the relation of each claim of B with the current claim of A"));
  for (const y of bs) {
    const lab = label(S.cur.a, y.uid), done = as.filter((x) => S.work.considered[`${x.uid}|${y.uid}`]).length;
    right.append(h("div", { class: "claim-row" + (y.uid === S.cur.b ? " current" : ""), dataset: { side: "b", claim: y.uid, id: claimId(y), label: lab }, onclick: () => { S.cur.b = y.uid; render(); } },
      h("span", { class: `rel ${lab}` }, lab === "unseen" ? "not considered" : lab),
      h("div", { class: "body" }, h("span", { class: "cid" }, claimId(y)), " ", claimText(y), y.statement ? h("div", { class: "stmt" }, y.statement) : null),
      countBadge(done, as.length)));
  }
  return h("div", {}, tabs, h("div", { class: "links" }, left, right, detail(as, bs)));
}

function tagPicker(current, onchange) {
  const box = h("details", { class: "tags" }, h("summary", {}, `tags (${current.length}): phenomenon tags, optional`));
  for (const [tag, what] of Object.entries(S.data.tags)) {
    box.append(h("label", { title: what }, h("input", { type: "checkbox", checked: current.includes(tag), onchange: (ev) => onchange(tag, ev.target.checked) }), " ", tag));
  }
  return box;
}

function guidePanel() {
  const g = S.data.guide;
  if (!g.decision_order.length) return h("div", { class: "guide hint" }, "annotations/GUIDELINES.md not found in this tree.");
  return h("div", { class: "guide" }, h("strong", {}, "Decision order"), h("span", { class: "hint" }, ` (${g.source}, §3)`),
    h("ol", {}, g.decision_order.map((s) => h("li", {}, s))),
    h("details", {}, h("summary", {}, `Hard cases (${g.rules.length} rules)`), h("div", { class: "rules" }, g.rules.map(([id, title]) => h("div", {}, h("strong", {}, id), " ", title)))));
}

function detail(as, bs) {
  const a = claimByUid(S.cur.a), b = claimByUid(S.cur.b), link = cell(S.cur.a, S.cur.b), lab = label(S.cur.a, S.cur.b);
  const buttons = h("div", { class: "relbuttons" }, Object.entries(KEYS).map(([k, rel]) => h("button", { type: "button", "aria-pressed": lab === rel ? "true" : "false", dataset: { relation: rel }, onclick: () => setRelation(rel) }, `${rel} (${k})`)));
  const box = h("section", { class: "panel detail" }, h("h2", {}, "This pair"),
    h("div", {}, h("span", { class: "cid" }, `A ${claimId(a)}`), " ", claimText(a)), h("div", {}, h("span", { class: "cid" }, `B ${claimId(b)}`), " ", claimText(b)),
    buttons);
  if (link) {
    box.append(...[h("label", { for: "rationale" }, "rationale (one line, why; cite the rule)"),
      h("input", { id: "rationale", type: "text", value: link.rationale, oninput: (ev) => { link.rationale = ev.target.value.replace(/\s*\n\s*/g, " "); changedQuiet(); },
        onkeydown: (ev) => { if (ev.key === "Enter") { ev.preventDefault(); ev.target.blur(); nextCell(); render(); } } }),
      link.rationale.trim() ? null : h("div", { class: "need" }, "a link needs a rationale"),
      tagPicker(link.tags, (tag, on) => { link.tags = on ? [...link.tags, tag] : link.tags.filter((t) => t !== tag); changed(); })].filter(Boolean));
  }
  box.append(h("hr", {}), guidePanel());
  return box;
}
function changedQuiet() {  // typing: keep the draft, re-render only the counters (focus stays in the field)
  S.work.edited_at = Date.now(); S.dirty = true;
  try { localStorage.setItem(storeKey(), JSON.stringify({ work: S.work, base: S.data.base })); } catch (err) { /* the server draft remains */ }
  clearTimeout(S.timer); S.timer = setTimeout(pushDraft, 600); status("unsaved changes"); renderProgress();
}

// ---- adjudication ------------------------------------------------------------------------------
const fmt = (x) => (x === null || x === undefined ? "n/a" : x.toFixed(3));
function viewAdjudicate() {
  const d = S.data, [P, Q] = d.passes, cells = d.disagreements;
  const text = Object.fromEntries(d.claims.map((c) => [c.claim_id, c]));
  const out = h("div", {}, h("p", { class: "hint" },
    `${cells.length} cell(s) where ${P} and ${Q} disagree; ${d.agreed_links} link(s) both gave are taken as they are `,
    `(agreement over ${d.agreement.cells} cells: Cohen's kappa ${fmt(d.agreement.kappa)}, link F1 ${fmt(d.agreement.link_f1)}). `,
    "Keys: ", h("kbd", {}, "1"), `/`, h("kbd", {}, "2"), ` take ${P}'s / ${Q}'s label and rationale, `, h("kbd", {}, "e a b c r n"), " choose a label, ", h("kbd", {}, "j"), "/", h("kbd", {}, "k"), " next/previous cell.",
    d.gold_links ? ` This cluster already has ${d.gold_links} gold link(s): saving replaces alignments.jsonl.` : ""));
  if (!cells.length) out.append(h("p", {}, "The passes agree on every cell: Save writes the gold."));
  if (S.cur.i === undefined || S.cur.i >= cells.length) S.cur.i = 0;
  cells.forEach((x, i) => {
    const key = `${x.claim_a}|${x.claim_b}`, dec = S.work.decisions[key] || null;
    const take = (name) => { S.work.decisions[key] = { rule: "", tags: x.tags[name] || [], ...(dec || {}), relation: x.labels[name], rationale: (dec && dec.rationale) || x.rationales[name] || "" }; S.cur.i = i; changed(); };
    const card = h("div", { class: "card" + (i === S.cur.i ? " current" : "") + (dec && dec.relation ? " decided" : ""), dataset: { cell: key, decided: dec && dec.relation ? dec.relation : "" }, onclick: () => { if (S.cur.i !== i) { S.cur.i = i; render(); } } },
      h("div", { class: "state" }, dec && dec.relation ? `decided: ${dec.relation}` : "to decide"),
      h("div", { class: "sides" }, [x.claim_a, x.claim_b].map((cid) => h("div", {}, h("span", { class: "cid" }, cid), " ", text[cid].text, text[cid].statement ? h("div", { class: "stmt hint" }, text[cid].statement) : null))),
      h("div", { class: "passes" }, d.passes.map((name, k) => h("div", { class: "pass" }, h("strong", {}, `${name}: `), h("span", { class: `rel ${x.labels[name]}` }, x.labels[name]), h("div", {}, x.rationales[name] || "(no link, no rationale)"), h("button", { type: "button", class: "small", onclick: () => take(name) }, `take ${name}'s (${k + 1})`)))),
      h("div", { class: "relbuttons" }, Object.entries(KEYS).map(([k, rel]) => h("button", { type: "button", "aria-pressed": dec && dec.relation === rel ? "true" : "false", onclick: () => { S.work.decisions[key] = { rationale: "", rule: "", tags: [], ...(dec || {}), relation: rel }; S.cur.i = i; changed(); } }, `${rel} (${k})`))));
    if (dec) {
      card.append(...[h("input", { type: "text", class: "reason", placeholder: "reason for the decision (one line)", value: dec.rationale, "aria-label": "reason", oninput: (ev) => { dec.rationale = ev.target.value; changedQuiet(); } }),
        h("input", { type: "text", class: "rule", placeholder: "rule, e.g. G4.6a", value: dec.rule || "", "aria-label": "rule", oninput: (ev) => { dec.rule = ev.target.value; changedQuiet(); } }),
        dec.relation !== "none" ? tagPicker(dec.tags || [], (tag, on) => { dec.tags = on ? [...(dec.tags || []), tag] : dec.tags.filter((t) => t !== tag); changed(); }) : null].filter(Boolean));
    }
    out.append(card);
  });
  out.append(h("section", { class: "panel" }, guidePanel()));
  return out;
}

// ---- page --------------------------------------------------------------------------------------
const VIEWS = { chrome: ["1 Chrome", viewChrome], claims: ["2 Claims", viewClaims], links: ["3 Links", viewLinks], adjudicate: ["Adjudicate", viewAdjudicate] };

function renderProgress() {
  const p = $("#progress"); p.replaceChildren();
  const body = document.body.dataset;
  if (S.data.mode === "adjudicate") {
    const cells = S.data.disagreements, done = cells.filter((x) => (S.work.decisions[`${x.claim_a}|${x.claim_b}`] || {}).relation).length;
    p.append(h("span", {}, `decided ${done}/${cells.length} cells`), h("div", { class: "bar" }, h("span", { width: `${cells.length ? (100 * done) / cells.length : 100}%` })));
    Object.assign(body, { decided: done, disagreements: cells.length });
    return;
  }
  const total = cellsTotal(), done = consideredCount(), links = Object.keys(S.work.links).length;
  const missing = Object.values(S.work.links).filter((l) => !l.rationale.trim()).length;
  p.append(...[h("span", {}, `${S.work.claims.length} claims · ${links} links · considered ${done}/${total} cells`),
    h("div", { class: "bar", title: "a pass is complete when every claim pair was considered" }, h("span", { width: `${total ? (100 * done) / total : 0}%` })),
    h("strong", {}, total && done === total ? "pass complete ✓" : `${total - done} cells to consider`),
    missing ? h("span", { class: "need" }, ` · ${missing} link(s) without rationale`) : null].filter(Boolean));
  Object.assign(body, { claims: S.work.claims.length, links, considered: done, cells: total, complete: total > 0 && done === total ? "1" : "0" });
}

function render() {
  const views = S.data.mode === "adjudicate" ? ["adjudicate"] : ["chrome", "claims", "links"];
  if (!views.includes(S.view)) S.view = views.length === 1 ? views[0] : views[S.data.claims.length ? 2 : 0];
  $("#tabs").replaceChildren(...views.map((v) => h("button", { type: "button", "aria-current": v === S.view ? "true" : "false", dataset: { view: v }, onclick: () => { S.view = v; render(); } }, VIEWS[v][0])));
  const scroll = window.scrollY;
  $("#main").replaceChildren(VIEWS[S.view][1]());
  window.scrollTo(0, scroll);
  document.body.dataset.view = S.view;
  renderProgress();
  renderProblems();
}

function renderProblems() {
  const box = $("#problems");
  box.hidden = !S.problems.length;
  if (!S.problems.length) return box.replaceChildren();
  box.replaceChildren(h("strong", {}, "Not saved: fix these first"), h("ul", {}, S.problems.map((p) => h("li", { onclick: () => jump(p) },
    h("span", { class: "where" }, [p.kind && p.id ? `${p.kind} ${p.id}` : p.file || "", p.field ? ` · ${p.field}` : ""].join("")), p.kind || p.file ? ": " : "", p.message))));
}
function jump(p) {
  if (p.kind === "claim") { const c = S.work.claims.find((x) => claimId(x) === p.id); if (c) { S.cur.claim = c.uid; S.view = "claims"; } }
  if (p.kind === "link") {
    const [a, b] = p.id.split(" - "), ca = S.work.claims.find((x) => claimId(x) === a), cb = S.work.claims.find((x) => claimId(x) === b);
    if (ca && cb) { S.cur.pair = [ca.article_id, cb.article_id]; S.cur.a = ca.uid; S.cur.b = cb.uid; S.view = "links"; }
  }
  if (p.kind === "article" || p.field === "kept_ranges") S.view = "chrome";
  if (p.kind === "cell") { const i = S.data.disagreements.findIndex((x) => `${x.claim_a} - ${x.claim_b}` === p.id); if (i >= 0) S.cur.i = i; }
  render();
}

function payload() {
  if (S.data.mode === "adjudicate") return { base: S.data.base, decisions: S.work.decisions };
  const claims = [], links = [], considered = [];
  for (const aid of articleIds()) for (const c of claimsOf(aid)) {
    claims.push({ claim_id: claimId(c), article_id: aid, start: c.start, end: c.end, text: claimText(c), statement: c.statement.trim() || null });
  }
  const id = (uid) => claimId(claimByUid(uid));
  for (const [key, l] of Object.entries(S.work.links)) {
    const [a, b] = key.split("|");
    if (!claimByUid(a) || !claimByUid(b)) continue;
    links.push({ claim_a: id(a), claim_b: id(b), relation: l.relation, rationale: l.rationale.trim(), tags: l.tags || [] });
  }
  for (const key of Object.keys(S.work.considered)) {
    const [a, b] = key.split("|");
    if (claimByUid(a) && claimByUid(b)) considered.push([id(a), id(b)]);
  }
  return { base: S.data.base, kept_ranges: S.work.kept, claims, links, considered };
}

async function save() {
  status("checking…");
  let res;
  try { res = await api("api/save", "POST", payload()); } catch (err) {
    status("server unreachable: nothing saved; your work is kept in this browser"); return;
  }
  const { status: code, data } = res;
  if (code === 200) {
    S.problems = []; banner(`saved: ${data.written.length ? data.written.join(", ") : "nothing had changed"}`, "info");
    localStorage.removeItem(storeKey()); S.dirty = false;
    await load(false);
    status(`saved ${new Date().toLocaleTimeString()}`);
    document.body.dataset.saved = String(Number(document.body.dataset.saved || 0) + 1);
    return;
  }
  S.problems = data.problems || [];
  if (code === 409) banner(data.message, "");
  else banner(data.message || `not saved (${code})`, "");
  document.body.dataset.refused = String(code);
  status("not saved: your work is kept");
  render();
}

function act(what) {
  if (S.data.mode === "adjudicate") return;
  if (what === "remove" || what === "keep" || what === "claim") {
    const sel = selection();
    if (!sel) return banner("select some text first");
    if (sel.error) return banner(sel.error);
    if (locked()) return banner(`the claims and kept ranges are fixed: ${S.data.locked.join("; ")}`);
    if (what === "claim") return makeClaim(sel.aid, sel.start, sel.end);
    getSelection().removeAllRanges();
    return setRemoved(sel.aid, sel.start, sel.end, what === "remove");
  }
  if (what === "split") {
    const sel = selection();
    if (!S.cur.claim || !sel) return banner("select a claim, put the cursor where it should be split, and press s");
    return splitClaim(S.cur.claim, sel.start);
  }
}

function keydown(ev) {
  if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "s") { ev.preventDefault(); save(); return; }
  const typing = ev.target.closest && ev.target.closest("input, textarea, select");
  if (ev.key === "Escape") { if (typing) ev.target.blur(); $("#help").hidden = true; return; }
  if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const k = ev.key;
  if (k === "?") { $("#help").hidden = !$("#help").hidden; return; }
  if (S.data.mode === "adjudicate") return adjudicationKey(ev);
  if (k === "1" || k === "2" || k === "3") { S.view = ["chrome", "claims", "links"][+k - 1]; render(); return; }
  if (S.view === "chrome") { if (k === "x") act("remove"); else if (k === "k") act("keep"); return; }
  if (S.view === "claims") {
    const p = S.cur.proposal;
    if (k === "c") act("claim");
    else if (k === "s") act("split");
    else if (k === "m" && S.cur.claim) mergeNext(S.cur.claim);
    else if (k === "Enter" && p) { ev.preventDefault(); acceptProposal(p.aid, p.i); }
    else if ((k === "Delete" || k === "Backspace") && p) dismissProposal(p.aid, p.i);
    else if ((k === "Delete" || k === "Backspace") && S.cur.claim && !locked()) deleteClaim(S.cur.claim);
    return;
  }
  if (S.view === "links") {
    if (KEYS[k]) { ev.preventDefault(); setRelation(KEYS[k]); }
    else if (k === "j" || k === "ArrowDown") { ev.preventDefault(); move("b", 1); }
    else if (k === "k" || k === "ArrowUp") { ev.preventDefault(); move("b", -1); }
    else if (k === "J" || k === "PageDown") { ev.preventDefault(); move("a", 1); }
    else if (k === "K" || k === "PageUp") { ev.preventDefault(); move("a", -1); }
    else if (k === "t" || k === "Enter") { const r = $("#rationale"); if (r) { ev.preventDefault(); r.focus(); } }
  }
}

function adjudicationKey(ev) {
  const cells = S.data.disagreements, x = cells[S.cur.i];
  if (!x) return;
  const key = `${x.claim_a}|${x.claim_b}`, dec = S.work.decisions[key];
  if (ev.key === "j" || ev.key === "k") { S.cur.i = Math.max(0, Math.min(cells.length - 1, S.cur.i + (ev.key === "j" ? 1 : -1))); render(); document.querySelector(".card.current").scrollIntoView({ block: "nearest" }); return; }
  if (ev.key === "1" || ev.key === "2") {
    const name = S.data.passes[+ev.key - 1];
    S.work.decisions[key] = { rule: "", tags: x.tags[name] || [], ...(dec || {}), relation: x.labels[name], rationale: (dec && dec.rationale) || x.rationales[name] || "" };
    changed(); return;
  }
  if (KEYS[ev.key]) { S.work.decisions[key] = { rationale: "", rule: "", tags: [], ...(dec || {}), relation: KEYS[ev.key] }; changed(); }
}

function helpPanel() {
  const rows = S.data.mode === "adjudicate"
    ? [["1 / 2", `take the label and rationale of ${S.data.passes[0]} / ${S.data.passes[1]}`], ["e a b c r n", "equivalent, a_more_specific, b_more_specific, contradiction, related, none"], ["j / k", "next / previous cell"], ["Ctrl+S", "check and save the gold"]]
    : [["1 2 3", "steps: chrome, claims, links"], ["x / k", "chrome: remove / keep the selected text"], ["c", "claims: make a claim of the selected text"], ["s / m / Del", "claims: split at the cursor / merge with next / delete"], ["Enter / Del", "claims: accept / dismiss the selected proposal"],
      ["e a b c r n", "links: equivalent, a_more_specific, b_more_specific, contradiction, related (possible), none"], ["j k / ↓ ↑", "links: next / previous claim of B"], ["J K / PgDn PgUp", "links: next / previous claim of A"], ["t or Enter", "links: write the rationale"], ["Esc", "leave a text field"], ["Ctrl+S", "check and save"]];
  $("#help").replaceChildren(h("strong", {}, "Keyboard"), h("table", {}, rows.map(([k, v]) => h("tr", {}, h("td", {}, h("kbd", {}, k)), h("td", {}, v)))),
    h("p", { class: "hint" }, "Work is kept as a draft after every change (on the server and in this browser), so a reload or a restart loses nothing. Saving checks everything as alignbench validate does and never overwrites a file that changed on disk since this page loaded it."));
}

async function load(restore) {
  const { status: code, data } = await api("api/state");
  if (code !== 200) { banner(data.message || `could not load (${code})`); return; }
  S.data = data;
  S.maps = Object.fromEntries(data.articles.map((a) => [a.article_id, maps(a.raw_text)]));
  S.work = freshWork();
  if (restore) {
    let local = null;
    try { local = JSON.parse(localStorage.getItem(storeKey()) || "null"); } catch (err) { local = null; }
    const drafts = [data.draft, local].filter((x) => x && x.work && x.work.edited_at);
    drafts.sort((x, y) => y.work.edited_at - x.work.edited_at);
    if (drafts.length) {
      const draft = drafts[0];
      S.work = { proposals: {}, decisions: {}, ...draft.work };
      S.dirty = true;
      const stale = JSON.stringify(draft.base) !== JSON.stringify(data.base);
      if (stale) { S.data.base = draft.base; banner(`Restored unsaved work from ${new Date(draft.work.edited_at).toLocaleString()}, but the files changed on disk since it was made: saving will be refused. Copy what you need, then discard it (reload after deleting the draft).`); }
      else banner(`Restored unsaved work from ${new Date(draft.work.edited_at).toLocaleString()}.`, "info");
      document.body.dataset.restored = "1";
      status("unsaved changes (restored)");
    }
  }
  const what = data.mode === "pass" ? `${data.cluster} · pass ${data.pass_name} (blind: other passes and the gold are not shown)` : `${data.cluster} · adjudication of ${data.passes.join(" and ")} by ${data.adjudicator}`;
  $("#what").textContent = what;
  helpPanel();
  render();
  document.body.dataset.ready = "1";
}

async function discard() {
  if (S.dirty && !confirm("Forget the unsaved work and show the files as they are on disk?")) return;
  await api("api/draft", "DELETE");
  localStorage.removeItem(storeKey()); S.dirty = false; S.problems = []; banner("");
  await load(false);
  status("showing the files on disk");
}

document.addEventListener("keydown", keydown);
$("#discard").addEventListener("click", discard);
$("#save").addEventListener("click", save);
$("#help-button").addEventListener("click", () => { $("#help").hidden = !$("#help").hidden; });
window.addEventListener("beforeunload", (ev) => { if (S.dirty) { pushDraft(); } });
window.addEventListener("error", (ev) => { document.body.dataset.jsErrors = String(ev.message); });
load(true);
})();
