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
.page { max-width: 980px; margin: 0 auto; padding: 1.5rem; }
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
th { font-size: .78rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
td select { width: auto; padding: .3rem .5rem; }
.badge { display: inline-block; font-size: .75rem; padding: .05rem .45rem; border-radius: 999px;
  background: #eef2ff; color: #3730a3; margin-left: .4rem; vertical-align: middle; }
.inline-form { display: grid; grid-template-columns: 2fr 1fr 2fr auto; gap: .75rem; align-items: end;
  margin-top: 1rem; padding-top: 1rem; border-top: 1px dashed var(--border); }
.inline-form label { margin-top: 0; }
.inline-form input, .inline-form select, .inline-form button { height: 2.6rem; }
.inline-form .alert { grid-column: 1 / -1; margin: 0; }
.inline-form h3 { grid-column: 1 / -1; margin: 0; font-size: 1rem; }
@media (max-width: 700px) { .inline-form { grid-template-columns: 1fr; } .topbar { flex-wrap: wrap; } }
`;
