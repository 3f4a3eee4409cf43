/** The dashboard's whole stylesheet, inlined into every page (the product ships no static assets). */
export const STYLES = `
:root {
  --bg: #f5f6f8; --card: #fff; --text: #1d2330; --muted: #5f6b7a; --border: #dde1e7;
  --primary: #2454d6; --primary-hover: #1b43ad; --danger: #c0352b; --danger-bg: #fdf0ee;
  --ok: #1f7a45; --ok-bg: #ebf7f0; --radius: 8px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--text); background: var(--bg); line-height: 1.45;
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; }
a { color: var(--primary); }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 0; }
p { margin: .25rem 0 .75rem; }
[hidden] { display: none !important; }
.muted { color: var(--muted); font-size: .92rem; }
.topbar { display: flex; align-items: center; gap: 1rem; padding: .75rem 1.5rem; background: #111827;
  color: #f3f4f6; }
.brand { font-weight: 700; letter-spacing: .02em; color: #fff; text-decoration: none; }
.topbar .account { font-weight: 600; }
.topbar .spacer { flex: 1; }
.topbar .who { color: #cbd2dc; font-size: .92rem; }
.topbar button { background: transparent; color: #f3f4f6; border-color: #4b5563; }
.topbar button:hover { background: #1f2937; }
.page { max-width: 1100px; margin: 0 auto; padding: 1.5rem; }
.page-head { margin-bottom: 1rem; }
.section-nav { display: flex; gap: .25rem; border-bottom: 1px solid var(--border); margin-bottom: 1.25rem; }
.section-nav a { padding: .5rem .85rem; text-decoration: none; color: var(--muted); border-bottom: 2px solid transparent; }
.section-nav a:hover { color: var(--text); border-bottom-color: var(--border); }
.card { background: var(--card); border: 1px solid var(--border); border-radius: var(--radius);
  padding: 1.25rem 1.5rem; margin-bottom: 1.25rem; box-shadow: 0 1px 2px rgba(16, 24, 40, .04); }
.card-head { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; margin-bottom: .5rem; }
.auth { max-width: 420px; margin: 8vh auto 0; padding: 0 1rem; }
.auth .brand { color: var(--text); font-size: 1.25rem; display: block; text-align: center; margin-bottom: 1rem; }
label { display: block; font-weight: 600; font-size: .9rem; margin: .75rem 0 .25rem; }
.hint { font-weight: 400; color: var(--muted); font-size: .82rem; }
input, select { width: 100%; padding: .55rem .65rem; border: 1px solid var(--border); border-radius: 6px;
  font: inherit; background: #fff; color: inherit; }
input:focus, select:focus { outline: 2px solid rgba(36, 84, 214, .35); border-color: var(--primary); }
button { font: inherit; padding: .5rem .95rem; border-radius: 6px; border: 1px solid var(--border);
  background: #fff; color: var(--text); cursor: pointer; }
button:hover { background: #f0f2f5; }
button:disabled { opacity: .6; cursor: progress; }
button.primary { background: var(--primary); border-color: var(--primary); color: #fff; font-weight: 600; }
button.primary:hover { background: var(--primary-hover); }
button.danger { color: var(--danger); border-color: #e8b4ae; }
.actions { margin-top: 1rem; display: flex; gap: .75rem; align-items: center; }
.full { width: 100%; }
.alert { border-radius: 6px; padding: .65rem .85rem; margin: .75rem 0; font-size: .92rem; }
.alert-error { background: var(--danger-bg); border: 1px solid #f1c2bc; color: #7d1f17; }
.alert-error ul { margin: .35rem 0 0; padding-left: 1.2rem; }
.alert-error .code { display: block; margin-top: .35rem; color: #9a4a42; font-size: .8rem; }
.alert-ok { background: var(--ok-bg); border: 1px solid #b9e2c9; color: var(--ok); }
table { width: 100%; border-collapse: collapse; font-size: .94rem; }
th, td { text-align: left; padding: .55rem .5rem; border-bottom: 1px solid var(--border); vertical-align: middle; }
th { white-space: nowrap; font-size: .78rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
td select { width: auto; padding: .3rem .5rem; }
.badge { display: inline-block; font-size: .75rem; padding: .05rem .45rem; border-radius: 999px;
  background: #eef2ff; color: #3730a3; margin-left: .4rem; vertical-align: middle; }
.inline-form { display: grid; grid-template-columns: 2fr 1fr 2fr auto; gap: .75rem; align-items: end;
  margin-top: 1rem; padding-top: 1rem; border-top: 1px dashed var(--border); }
.inline-form label { margin-top: 0; }
.inline-form input, .inline-form select, .inline-form button { height: 2.6rem; }
.inline-form .alert { grid-column: 1 / -1; margin: 0; }
.inline-form h3 { grid-column: 1 / -1; margin: 0; font-size: 1rem; }
code, pre, .secret-value { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { font-size: .85em; background: #f2f4f7; padding: .05rem .3rem; border-radius: 4px; }
.small { font-size: .82rem; }
.nowrap { white-space: nowrap; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
input[type="checkbox"] { width: auto; height: auto; padding: 0; margin: 0; accent-color: var(--primary); }
button.small { padding: .25rem .6rem; font-size: .85rem; }
button.danger-solid { background: var(--danger); border-color: var(--danger); color: #fff; font-weight: 600; }
button.danger-solid:hover { background: #a32b22; }
.badge-ok, .badge-warn, .badge-danger, .badge-muted, .badge-info, .badge-live, .badge-test { margin-left: 0; font-weight: 600; }
.badge-ok { background: var(--ok-bg); color: var(--ok); }
.badge-warn { background: #fff4dc; color: #92400e; }
.badge-danger { background: var(--danger-bg); color: #a1281f; }
.badge-muted { background: #eef0f3; color: var(--muted); }
.badge-live { background: #e6f0ff; color: #1d4ed8; }
.badge-test { background: #fdf0dc; color: #9a5b00; }
.hint-warn { color: #92400e; font-weight: 600; }
.table-wrap { overflow-x: auto; }
.row-actions { white-space: nowrap; text-align: right; }
.row-actions button + button { margin-left: .35rem; }
.panel-form { margin: 1rem 0; padding: 1rem 1.25rem; border: 1px solid var(--border); border-radius: var(--radius); background: #fafbfc; }
.panel-form h3 { margin: 0 0 .25rem; font-size: 1rem; }
.panel-form .hint { margin: .25rem 0 0; }
.form-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1rem; }
.span-all { grid-column: 1 / -1; }
details.scopes { margin-top: .9rem; }
summary { cursor: pointer; font-weight: 600; font-size: .9rem; }
.check-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: .4rem 1rem; margin-top: .5rem; }
label.check { display: flex; align-items: center; gap: .5rem; font-weight: 400; margin: 0; font-size: .92rem; }
label.toggle { margin-top: .9rem; }
.check-code { color: var(--muted); background: none; padding: 0; font-size: .76rem; }
fieldset.events-fieldset { border: 1px solid var(--border); border-radius: 6px; margin: .9rem 0 0; padding: .4rem .85rem .75rem; background: #fff; }
legend { font-weight: 600; font-size: .9rem; padding: 0 .3rem; }
.reveal { border: 1px solid #f0c36d; background: #fffbeb; border-radius: var(--radius); padding: 1rem 1.25rem; margin: 1rem 0; }
.reveal-title { display: block; font-size: 1rem; }
.reveal-warning { color: #92400e; font-weight: 600; }
.secret-row { display: flex; gap: .5rem; }
.secret-value { background: #fff; font-size: .9rem; }
.copy-status { display: block; font-size: .85rem; color: var(--ok); min-height: 1.2em; margin-top: .35rem; }
.reveal .actions { margin-top: .25rem; }
dialog.dialog { border: none; border-radius: 10px; padding: 1.25rem 1.5rem; max-width: 500px; width: calc(100% - 2rem); box-shadow: 0 20px 50px rgba(0, 0, 0, .25); color: var(--text); }
dialog::backdrop { background: rgba(17, 24, 39, .45); }
.dialog h3 { margin: 0 0 .5rem; font-size: 1.1rem; }
.dialog-actions { justify-content: flex-end; }
.notices { margin: .75rem 0; }
.notices h3 { font-size: .95rem; margin: .5rem 0 .4rem; }
.notices ul { list-style: none; margin: 0; padding: 0; display: grid; gap: .4rem; }
.notice { border-radius: 6px; padding: .55rem .8rem; font-size: .9rem; overflow-wrap: anywhere; }
.notice-danger { background: var(--danger-bg); border: 1px solid #f1c2bc; color: #7d1f17; }
.notice-warn { background: #fffbeb; border: 1px solid #f0d58a; color: #78350f; }
.notice-ok { background: var(--ok-bg); border: 1px solid #b9e2c9; color: var(--ok); }
.notice-info { background: #eff4ff; border: 1px solid #c7d5fb; color: #1e3a8a; }
.endpoint-list { display: grid; gap: .75rem; margin-top: 1rem; }
.endpoint { border: 1px solid var(--border); border-radius: var(--radius); padding: .85rem 1rem; }
.endpoint-failed { border-left: 4px solid var(--danger); }
.endpoint-retrying { border-left: 4px solid #d97706; }
.endpoint-disabled { border-left: 4px solid #9ca3af; background: #fafafa; }
.endpoint-head { display: flex; align-items: center; justify-content: space-between; gap: .75rem; }
.endpoint-url { font-size: .95rem; font-weight: 600; background: none; padding: 0; word-break: break-all; }
.chips { display: flex; flex-wrap: wrap; gap: .3rem; margin: .45rem 0; }
.chip { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .76rem; background: #f2f4f7;
  border: 1px solid var(--border); border-radius: 4px; padding: .05rem .4rem; white-space: nowrap; }
.stats { display: flex; flex-wrap: wrap; gap: .25rem 2rem; margin: .35rem 0; }
.stat dt { font-size: .72rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.stat dd { margin: 0; font-size: .9rem; }
.endpoint-error { color: #7d1f17; margin: .35rem 0; overflow-wrap: anywhere; }
.endpoint-actions { display: flex; flex-wrap: wrap; gap: .4rem; margin-top: .6rem; }
.endpoint-actions button[aria-expanded="true"] { background: #eef2ff; border-color: #c7d2fe; color: #3730a3; }
.endpoint-panel { margin-top: .75rem; padding-top: .75rem; border-top: 1px dashed var(--border); }
.panel-head { display: flex; justify-content: space-between; align-items: center; margin-bottom: .4rem; }
.inline-row { display: flex; gap: .75rem; align-items: flex-end; }
.inline-row .field { flex: 1; }
.inline-row label, .dialog .field label { margin-top: 0; }
.inline-row button { height: 2.6rem; white-space: nowrap; }
.test-result { margin-top: .75rem; }
.test-line { display: flex; align-items: center; gap: .35rem; flex-wrap: wrap; margin-bottom: .5rem; }
pre.response { background: #0f172a; color: #e2e8f0; padding: .6rem .8rem; border-radius: 6px; max-height: 14rem;
  overflow: auto; white-space: pre-wrap; word-break: break-all; font-size: .82rem; margin: .25rem 0 0; }
table.compact th, table.compact td { padding: .4rem; font-size: .86rem; vertical-align: top; }
@media (max-width: 700px) { .card { overflow-x: auto; } .form-grid { grid-template-columns: 1fr; } .inline-row { flex-direction: column; align-items: stretch; } }
@media (max-width: 700px) { .inline-form { grid-template-columns: 1fr; } .topbar { flex-wrap: wrap; } }
`;
