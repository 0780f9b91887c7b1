// The merchant panel: signs in with the account's id and secret, then polls the account's
// changes (GET <api>/transactions?since=<cursor>) every few seconds and shows each transaction
// as it goes from pending to approved or rejected. Data is written with textContent only.
"use strict";

(() => {
  const POLL_MS = 3000;
  const MAX_ROWS = 500;
  const RECHECK_AFTER_MS = 90000; // a row pending this long is read again by its id
  const RECHECKS_PER_POLL = 5;
  const api = location.pathname.replace(/\/panel\/?$/, "");
  const storageKey = "gateway.credentials";

  const $ = (id) => document.getElementById(id);
  const state = {
    token: null, account: null, cursor: null, rows: new Map(), timer: null, failures: 0, dirty: true,
  };

  function authHeaders() {
    return { Authorization: `Bearer ${state.token}`, Accept: "application/json" };
  }

  async function call(path) {
    const response = await fetch(`${api}${path}`, { headers: authHeaders(), cache: "no-store" });
    if (response.status === 401) throw new SignedOut();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }

  class SignedOut extends Error {}

  async function signIn(account, secret) {
    state.token = `${account}.${secret}`;
    state.account = account;
    state.cursor = null;
    state.rows.clear();
    state.dirty = true;
    $("rows").replaceChildren();
    await catchUp(); // throws SignedOut on wrong credentials
    sessionStorage.setItem(storageKey, JSON.stringify({ account, secret }));
    $("sign-in").hidden = true;
    $("dashboard").hidden = false;
    $("session").hidden = false;
    $("account-label").textContent = account;
    schedule();
  }

  function signOut(message) {
    clearTimeout(state.timer);
    sessionStorage.removeItem(storageKey);
    state.token = null;
    state.rows.clear();
    $("rows").replaceChildren();
    $("dashboard").hidden = true;
    $("session").hidden = true;
    $("sign-in").hidden = false;
    $("secret").value = "";
    const error = $("sign-in-error");
    error.hidden = !message;
    error.textContent = message || "";
  }

  // Reads every page of changes after the cursor.
  async function catchUp() {
    for (let page = 0; page < 20; page += 1) {
      const query = state.cursor ? `?since=${encodeURIComponent(state.cursor)}&limit=500` : "?limit=500";
      const body = await call(`/transactions${query}`);
      for (const transaction of body.transactions) upsert(transaction);
      state.cursor = body.cursor;
      showTotals(body.totals);
      if (!body.more) break;
    }
    await recheckStalePending();
    if (state.dirty) render();
  }

  async function recheckStalePending() {
    const now = Date.now();
    const stale = [...state.rows.values()]
      .filter((t) => t.status === "pending" && now - Date.parse(t.submitted_at) > RECHECK_AFTER_MS)
      .slice(0, RECHECKS_PER_POLL);
    for (const transaction of stale) {
      upsert(await call(`/transactions/${encodeURIComponent(transaction.id)}`));
    }
  }

  // Rows come again while the cursor's settle window lasts: only a new row or a new status
  // redraws the table, so a row being read is not redrawn under the reader every few seconds.
  function upsert(transaction) {
    const previous = state.rows.get(transaction.id);
    transaction.changed = Boolean(previous && previous.status !== transaction.status);
    if (!previous || transaction.changed) state.dirty = true;
    state.rows.set(transaction.id, transaction);
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(poll, POLL_MS);
  }

  async function poll() {
    try {
      await catchUp();
      state.failures = 0;
      setLive(true);
    } catch (error) {
      if (error instanceof SignedOut) {
        signOut("Your session ended: the secret was revoked or is no longer valid.");
        return;
      }
      state.failures += 1;
      setLive(false);
    }
    schedule();
  }

  function setLive(ok) {
    $("live").classList.toggle("stale", !ok);
    $("live-text").textContent = ok ? "Live" : "Reconnecting…";
    $("updated").textContent = ok ? `Updated ${new Date().toLocaleTimeString()}` : "";
  }

  function showTotals(totals) {
    const pending = totals.pending || 0;
    const approved = totals.approved || 0;
    const rejected = totals.rejected || 0;
    $("total-pending").textContent = pending.toLocaleString();
    $("total-approved").textContent = approved.toLocaleString();
    $("total-rejected").textContent = rejected.toLocaleString();
    $("total-all").textContent = (pending + approved + rejected).toLocaleString();
  }

  function render() {
    const newest = [...state.rows.values()]
      .sort((a, b) => (a.submitted_at < b.submitted_at ? 1 : a.submitted_at > b.submitted_at ? -1 : 0))
      .slice(0, MAX_ROWS);
    $("rows").replaceChildren(...newest.map(row));
    $("empty").hidden = newest.length > 0;
    for (const transaction of newest) transaction.changed = false;
    state.dirty = false;
    // Only the rows shown are kept: an account's whole history is the API's to hold.
    const shown = new Set(newest.map((t) => t.id));
    for (const id of [...state.rows.keys()]) if (!shown.has(id)) state.rows.delete(id);
  }

  function cell(text, className) {
    const td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function row(transaction) {
    const tr = document.createElement("tr");
    tr.dataset.id = transaction.id;
    tr.dataset.status = transaction.status;
    if (transaction.changed) tr.className = "flash";
    tr.append(cell(new Date(transaction.submitted_at).toLocaleString()));
    tr.append(cell(transaction.id, "mono"));
    const card = transaction.card;
    const cardCell = cell(card ? `${card.brand} •••• ${card.last_four}` : "—", "card-brand");
    tr.append(cardCell);
    tr.append(cell(transaction.amount === null ? "—" : formatAmount(transaction.amount), "num"));
    const status = document.createElement("td");
    const badge = document.createElement("span");
    badge.className = `badge ${transaction.status}`;
    badge.textContent = transaction.status;
    status.append(badge);
    if (transaction.status === "rejected" && transaction.error_message) {
      const reason = document.createElement("span");
      reason.className = "reason";
      reason.textContent = transaction.error_message;
      status.append(reason);
    }
    tr.append(status);
    return tr;
  }

  function formatAmount(text) {
    const [whole, cents = "00"] = text.split(".");
    return `${Number(whole).toLocaleString("en-US")}.${cents}`;
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("sign-in-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = $("sign-in-button");
      button.disabled = true;
      $("sign-in-error").hidden = true;
      try {
        await signIn($("account-id").value.trim(), $("secret").value.trim());
      } catch (error) {
        signOut(error instanceof SignedOut ? "That account id and secret do not match." : "The gateway cannot be reached. Try again.");
      } finally {
        button.disabled = false;
      }
    });
    $("sign-out").addEventListener("click", () => signOut(""));
    const saved = sessionStorage.getItem(storageKey);
    if (saved) {
      const { account, secret } = JSON.parse(saved);
      signIn(account, secret).catch(() => signOut(""));
    }
  });
})();
