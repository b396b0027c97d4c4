/* global document, window, fetch, URLSearchParams, setInterval, setTimeout, clearTimeout */
/**
 * The playground page: a Slack-like client for the simulated Slack. Everything goes through the
 * JSON API (api.ts), which drives the simulator: a slash command or message goes to the real
 * oar-bot over Socket Mode, and what the bot posts comes back here by polling once a second.
 */
import { escapeHtml, renderBlocks, renderMessageBody } from './render-blocks.js';

const POLL_MS = 1000;

const state = {
  ws: null,
  ctx: { users: {}, channels: {}, groups: {} },
  user: '',
  channel: '',
  view: 'channel',
  thread: null,
  rendered: { messages: '', thread: '', modal: '', home: '', activity: '', jobs: '' },
  refreshing: false,
  again: false,
};

const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const res = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || `${res.status} ${res.statusText}`);
  return data;
}

let toastTimer;
function toast(text, kind = 'info') {
  const el = $('toast');
  el.textContent = text;
  el.className = `toast toast-${kind}`;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, 6000);
}

function fail(e) {
  toast(e instanceof Error ? e.message : String(e), 'error');
}

function timeOf(ts) {
  const d = new Date(Number(String(ts).split('.')[0]) * 1000);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

// --- workspace ------------------------------------------------------------------------------------

function renderUserSelect() {
  const sel = $('user-select');
  const byId = new Map(state.ws.users.map((u) => [u.id, u]));
  sel.innerHTML = state.ws.personas
    .map((p) => {
      const u = byId.get(p.id);
      return `<option value="${escapeHtml(p.id)}">${escapeHtml(u ? u.realName : p.id)} (@${escapeHtml(u ? u.name : p.id)})</option>`;
    })
    .join('');
  sel.value = state.user;
  const persona = state.ws.personas.find((p) => p.id === state.user);
  $('user-role').textContent = persona && persona.role ? persona.role : '';
}

function renderChannelList() {
  $('channel-list').innerHTML = state.ws.channels
    .map((c) => `<li><a href="#" class="nav-item${state.view === 'channel' && c.id === state.channel ? ' active' : ''}" data-channel="${escapeHtml(c.id)}"># ${escapeHtml(c.name)}</a></li>`)
    .join('');
  $('nav-home').classList.toggle('active', state.view === 'home');
  $('nav-dm').classList.toggle('active', state.view === 'channel' && state.channel.startsWith('D'));
}

function renderExamples() {
  $('examples').innerHTML = (state.ws.examples || [])
    .map((e) => `<button type="button" class="chip" data-example="${escapeHtml(e)}">${escapeHtml(e)}</button>`)
    .join('');
}

// --- messages ---------------------------------------------------------------------------------------

function messageHtml(m, inThread) {
  const initial = escapeHtml((m.author || '?').slice(0, 1).toUpperCase());
  const badge = m.isBot ? '<span class="badge">APP</span>' : '';
  const edited = m.edited ? '<span class="edited">(edited)</span>' : '';
  const note = m.ephemeral ? '<div class="ephemeral-note">👁 Only visible to you</div>' : '';
  const files = (m.files || []).map((f) => `<div class="file">📄 ${escapeHtml(f.title || f.name)} <span class="muted">${f.size} bytes</span></div>`).join('');
  let footer = '';
  if (!inThread && !m.ephemeral) {
    footer = m.replyCount
      ? `<a href="#" class="replies" data-thread="${escapeHtml(m.ts)}">${m.replyCount} ${m.replyCount === 1 ? 'reply' : 'replies'}</a>`
      : `<a href="#" class="reply-link" data-thread="${escapeHtml(m.ts)}">Reply in thread</a>`;
  }
  return `<div class="msg${m.ephemeral ? ' msg-ephemeral' : ''}${m.isBot ? ' msg-bot' : ''}" data-ts="${escapeHtml(m.ts)}">
    <div class="avatar${m.isBot ? ' avatar-bot' : ''}">${m.isBot ? '🤖' : initial}</div>
    <div class="msg-main">
      <div class="msg-head"><span class="author">${escapeHtml(m.author)}</span>${badge}<span class="time">${timeOf(m.ts)}</span>${edited}</div>
      ${note}
      <div class="msg-body">${renderMessageBody(m, state.ctx)}</div>
      ${files}${footer}
    </div>
  </div>`;
}

function renderList(el, key, messages, inThread) {
  const json = JSON.stringify(messages);
  if (state.rendered[key] === json) return;
  const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  state.rendered[key] = json;
  el.innerHTML = messages.length ? messages.map((m) => messageHtml(m, inThread)).join('') : '<div class="empty">No messages yet. Try a command below.</div>';
  if (nearBottom || key === 'thread') el.scrollTop = el.scrollHeight;
}

function renderThread(thread) {
  const pane = $('thread');
  if (!state.thread || !thread) {
    pane.hidden = true;
    state.rendered.thread = '';
    return;
  }
  pane.hidden = false;
  renderList($('thread-messages'), 'thread', [thread.root, ...thread.replies], true);
}

// --- modal and home ------------------------------------------------------------------------------------

function renderModal(modal, depth) {
  const root = $('modal-root');
  if (!modal) {
    if (state.rendered.modal) root.innerHTML = '';
    state.rendered.modal = '';
    return;
  }
  // Re-render only when the view changed, so what the user typed survives polling.
  if (state.rendered.modal === modal.version) return;
  state.rendered.modal = modal.version;
  const submit = modal.submit ? `<button type="button" class="btn btn-primary" data-modal-submit>${escapeHtml(modal.submit)}</button>` : '';
  root.innerHTML = `<div class="modal-backdrop">
    <div class="modal" role="dialog" aria-modal="true" data-view-id="${escapeHtml(modal.id)}">
      <header class="modal-header"><span class="modal-title">${escapeHtml(modal.title || '')}</span>${depth > 1 ? `<span class="muted"> (${depth} open)</span>` : ''}
        <button type="button" class="icon-btn" data-modal-close aria-label="Close">×</button></header>
      <div class="modal-body">${renderBlocks(modal.blocks, state.ctx, { errors: modal.errors || {} })}</div>
      <footer class="modal-footer"><button type="button" class="btn" data-modal-close>${escapeHtml(modal.close || 'Cancel')}</button>${submit}</footer>
    </div>
  </div>`;
  const first = root.querySelector('input, textarea, select');
  if (first) first.focus();
}

function renderHome(home) {
  const el = $('home');
  const key = home ? home.version : 'none';
  if (state.rendered.home === key) return;
  state.rendered.home = key;
  el.innerHTML = home
    ? `<div class="home-view" data-view-id="${escapeHtml(home.id)}">${renderBlocks(home.blocks, state.ctx)}</div>`
    : '<div class="empty">Opening the App Home…</div>';
}

/** Values of a modal's input blocks, keyed by action_id, as the simulator's submitView takes them. */
function modalValues(modal) {
  const values = {};
  for (const el of modal.querySelectorAll('.bk-input [data-kind]')) {
    const id = el.dataset.actionId;
    if (!id) continue;
    const kind = el.dataset.kind;
    if (kind === 'plain_text_input') values[id] = el.value;
    else if (kind === 'static_select') values[id] = el.value || null;
    else if (kind === 'checkboxes') values[id] = [...el.querySelectorAll('input:checked')].map((i) => i.value);
    else if (kind === 'radio_buttons') values[id] = el.querySelector('input:checked')?.value ?? null;
  }
  return values;
}

// --- services panel and jobs ---------------------------------------------------------------------------

function renderActivity(entries) {
  const json = JSON.stringify(entries);
  if (state.rendered.activity === json) return;
  state.rendered.activity = json;
  $('activity').innerHTML = entries.length
    ? entries
        .map(
          (a) => `<li class="act act-${escapeHtml(a.system.toLowerCase())}" data-kind="${escapeHtml(a.kind)}">
            <div class="act-head"><span class="act-sys">${escapeHtml(a.system === 'GitHub' && a.kind === 'statebox' ? 'StateBox' : a.system)}</span>
            <span class="act-time">${escapeHtml(new Date(a.at).toLocaleTimeString())}</span></div>
            <div class="act-text">${escapeHtml(a.text)}</div>
            ${a.link ? `<a class="act-link" href="${escapeHtml(a.link)}" target="_blank" rel="noopener">view file</a>` : ''}
          </li>`,
        )
        .join('')
    : '<li class="empty">Nothing yet: run a command and watch Jira, Errata, GitLab… change here.</li>';
}

function renderJobs(jobs) {
  const section = $('jobs');
  section.hidden = jobs === null;
  if (jobs === null) return;
  const json = JSON.stringify(jobs);
  if (state.rendered.jobs === json) return;
  state.rendered.jobs = json;
  $('job-list').innerHTML = jobs
    .map((j) => `<li class="job"><span>${escapeHtml(j)}</span><button type="button" class="btn btn-small" data-job="${escapeHtml(j)}">Run now</button></li>`)
    .join('');
  $('job-form').hidden = jobs.length > 0;
}

// --- polling ---------------------------------------------------------------------------------------

async function refresh() {
  if (state.refreshing) {
    state.again = true;
    return;
  }
  state.refreshing = true;
  try {
    const q = new URLSearchParams({ user: state.user, channel: state.channel });
    if (state.thread) q.set('thread', state.thread);
    const snap = await api(`/api/snapshot?${q}`);
    $('connection').textContent = '';
    if (snap.channel.id !== state.channel) state.channel = snap.channel.id;
    $('channel-title').textContent = state.view === 'home' ? '🤖 oar-bot · Home' : snap.channel.isDm ? '🤖 oar-bot · Messages' : `# ${snap.channel.name}`;
    renderList($('messages'), 'messages', snap.messages, false);
    renderThread(snap.thread);
    renderModal(snap.modal, snap.modalDepth);
    if (state.view === 'home') renderHome(snap.home);
    renderActivity(snap.activity);
    renderJobs(snap.jobs);
  } catch (e) {
    $('connection').textContent = `⚠ ${e instanceof Error ? e.message : e}`;
  } finally {
    state.refreshing = false;
    if (state.again) {
      state.again = false;
      void refresh();
    }
  }
}

function showView(view) {
  state.view = view;
  $('home').hidden = view !== 'home';
  $('messages').hidden = view === 'home';
  $('composer').hidden = view === 'home';
  $('examples').hidden = view === 'home';
  state.rendered.home = '';
  renderChannelList();
}

// --- actions -----------------------------------------------------------------------------------------

async function act(path, body) {
  try {
    const r = await api(path, body);
    if (r && r.acked === false) toast(`oar-bot did not acknowledge (${r.outcome}). Is the app connected?`, 'error');
    if (r && r.ackError) toast(`Slack refused the reply: ${r.ackError}`, 'error');
    return r;
  } catch (e) {
    fail(e);
    return undefined;
  } finally {
    void refresh();
  }
}

async function sendText(input, threadTs) {
  const text = input.value.trim();
  if (!text) return;
  const r = await act('/api/send', { user: state.user, channel: state.channel, text, ...(threadTs ? { threadTs } : {}) });
  if (r) input.value = '';
}

function clickElement(el, value) {
  if (el.dataset.confirm && !window.confirm(el.dataset.confirm)) return;
  const body = { user: state.user, actionId: el.dataset.actionId };
  if (value !== undefined && value !== '') body.value = value;
  const view = el.closest('[data-view-id]');
  const msg = el.closest('[data-ts]');
  if (view) body.viewId = view.dataset.viewId;
  else if (msg) {
    body.messageTs = msg.dataset.ts;
    body.channel = state.channel;
  } else return;
  void act('/api/click', body);
}

function onClick(e) {
  const target = e.target instanceof window.Element ? e.target : null;
  if (!target) return;
  const thread = target.closest('[data-thread]');
  if (thread) {
    e.preventDefault();
    state.thread = thread.dataset.thread;
    void refresh();
    return;
  }
  const button = target.closest('button[data-action-id], a.bk-button[data-action-id]');
  if (button && !button.closest('.bk-input')) {
    if (button.tagName === 'A') return; // a URL button just opens its link
    clickElement(button, button.dataset.value);
  }
}

function onChange(e) {
  const el = e.target;
  if (el instanceof window.HTMLSelectElement && el.dataset.actionId && !el.closest('.bk-input') && el.value) clickElement(el, el.value);
}

function bindComposer(form, input, threadOf) {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void sendText(input, threadOf());
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void sendText(input, threadOf());
    }
  });
}

function bind() {
  $('user-select').addEventListener('change', (e) => {
    state.user = e.target.value;
    state.thread = null;
    state.rendered = { messages: '', thread: '', modal: '', home: '', activity: '', jobs: '' };
    $('modal-root').innerHTML = '';
    if (state.channel.startsWith('D')) state.channel = 'dm';
    renderUserSelect();
    if (state.view === 'home') void act('/api/home', { user: state.user });
    else void refresh();
  });
  $('channel-list').addEventListener('click', (e) => {
    const a = e.target.closest('[data-channel]');
    if (!a) return;
    e.preventDefault();
    state.channel = a.dataset.channel;
    state.thread = null;
    showView('channel');
    void refresh();
  });
  $('nav-dm').addEventListener('click', (e) => {
    e.preventDefault();
    state.channel = 'dm';
    state.thread = null;
    showView('channel');
    void refresh();
  });
  $('nav-home').addEventListener('click', (e) => {
    e.preventDefault();
    showView('home');
    renderHome(null);
    void act('/api/home', { user: state.user });
  });
  $('thread-close').addEventListener('click', () => {
    state.thread = null;
    void refresh();
  });
  bindComposer($('composer'), $('composer-input'), () => undefined);
  bindComposer($('thread-composer'), $('thread-input'), () => state.thread);
  $('examples').addEventListener('click', (e) => {
    const chip = e.target.closest('[data-example]');
    if (!chip) return;
    $('composer-input').value = chip.dataset.example;
    $('composer-input').focus();
  });
  for (const id of ['messages', 'thread-messages', 'home', 'modal-root']) {
    $(id).addEventListener('click', onClick);
    $(id).addEventListener('change', onChange);
  }
  $('modal-root').addEventListener('click', (e) => {
    const modal = e.target.closest('.modal');
    if (!modal) return;
    if (e.target.closest('[data-modal-submit]')) {
      void act('/api/submit', { user: state.user, viewId: modal.dataset.viewId, values: modalValues(modal) });
    } else if (e.target.closest('[data-modal-close]')) {
      state.rendered.modal = '';
      $('modal-root').innerHTML = '';
      void act('/api/close', { user: state.user, viewId: modal.dataset.viewId });
    }
  });
  $('modal-root').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || !(e.target instanceof window.HTMLInputElement)) return;
    e.preventDefault();
    e.target.closest('.modal')?.querySelector('[data-modal-submit]')?.click();
  });
  $('job-list').addEventListener('click', (e) => {
    const b = e.target.closest('[data-job]');
    if (b) void runJob(b.dataset.job);
  });
  $('job-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const name = $('job-name').value.trim();
    if (name) void runJob(name);
  });
}

async function runJob(name) {
  toast(`Running ${name}…`);
  const r = await act('/api/jobs/run', { name });
  if (!r) return;
  const res = r.result || {};
  const summary = res.report && res.report.summary ? res.report.summary : res.error || res.outcome || 'done';
  toast(`${name}: ${summary}`, res.outcome === 'failed' ? 'error' : 'info');
}

async function init() {
  state.ws = await api('/api/workspace');
  for (const u of state.ws.users) state.ctx.users[u.id] = u.realName || u.name;
  for (const c of state.ws.channels) state.ctx.channels[c.id] = c.name;
  for (const g of state.ws.groups) state.ctx.groups[g.id] = g.handle;
  const params = new URLSearchParams(window.location.search);
  state.user = params.get('user') || (state.ws.personas[0] && state.ws.personas[0].id) || '';
  state.channel = params.get('channel') || state.ws.defaultChannel;
  renderUserSelect();
  renderChannelList();
  renderExamples();
  bind();
  await refresh();
  setInterval(() => void refresh(), POLL_MS);
}

init().catch(fail);
