// docprep's local page: sends the chosen files to this machine's docprep (never anywhere else) and shows what
// it found. Plain JavaScript, no libraries, no build step.
"use strict";

const DATA = JSON.parse(document.getElementById("docprep-data").textContent);
const asked = new URLSearchParams(location.search).get("lang") || localStorage.getItem("docprep-lang");
let lang = asked in DATA.texts ? asked : DATA.lang;
let lastFiles = [];   // [{file, name}] of the last check, by the name it was sent under
let lastReport = null;

const $ = (id) => document.getElementById(id);

function t(key, values) {
  let text = DATA.texts[lang][key] || key;
  for (const [name, value] of Object.entries(values || {})) text = text.split("{" + name + "}").join(value);
  return text;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function profile() {
  return DATA.profiles.find((p) => p.name === $("profile").value) || DATA.profiles[0];
}

function applyLanguage() {
  const other = DATA.texts[lang].other_lang;
  document.documentElement.lang = t("html_lang");
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  $("lang-switch").dataset.next = other;
  const chosen = $("profile").value || DATA.profile;
  $("profile").replaceChildren(...DATA.profiles.map((p) =>
    el("option", {value: p.name}, p.name + " — " + p.description[lang])));
  $("profile").value = chosen;
  showKinds();
  if (lastReport) showReport(lastReport);
}

function showKinds() {
  // The attachment kind of every PDF sent (the API's `kind`): by default each file's name decides.
  const chosen = $("kind").value;
  const kinds = Object.entries(profile().kinds).map(([kind, names]) => el("option", {value: kind}, names[lang]));
  $("kind").replaceChildren(el("option", {value: ""}, t("kind_by_name")), ...kinds);
  $("kind").value = chosen in profile().kinds ? chosen : "";
}

function say(text) {
  $("message").textContent = text;
  $("message").hidden = !text;
}

// --- sending -------------------------------------------------------------------------------------------------

function send(url, form) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url + "?lang=" + lang);
    xhr.responseType = "blob";
    xhr.onload = () => resolve(xhr);
    xhr.onerror = () => resolve(null);
    xhr.send(form);
  });
}

async function errorText(xhr) {
  if (!xhr) return t("offline");
  try {
    const body = JSON.parse(await xhr.response.text());
    return body.error || t("failed", {status: xhr.status});
  } catch (e) {
    return t("failed", {status: xhr.status});
  }
}

function tooLarge(files) {
  const total = files.reduce((sum, f) => sum + f.file.size, 0);
  if (total <= DATA.limit) return false;
  say(t("too_large", {mb: (DATA.limit / 1e6).toFixed(0)}));
  return true;
}

function formOf(files, field) {
  const form = new FormData();
  for (const f of files) form.append(field, f.file, f.name);
  form.append("profile", profile().name);
  form.append("lang", lang);
  form.append("wording", "page");  // messages that name a command name this page's buttons instead
  if ($("kind").value) form.append("kind", $("kind").value);
  return form;
}

function download(blob, name) {
  const link = el("a", {href: URL.createObjectURL(blob), download: name});
  document.body.append(link);
  link.click();
  link.remove();
}

function filenameOf(xhr, fallback) {
  const header = xhr.getResponseHeader("Content-Disposition") || "";
  const match = header.match(/filename\*=UTF-8''([^;]+)/);
  return match ? decodeURIComponent(match[1]) : fallback;
}

// --- progress ------------------------------------------------------------------------------------------------

let ticker = null;

function startProgress(count) {
  // While the files go up: the share sent; then, file by file as the server reports them, how many are checked
  // and the seconds so far (a long PDF takes a while).
  const started = Date.now();
  let state = {total: count, done: 0};
  $("progress").hidden = false;
  const show = () => {
    const seconds = Math.round((Date.now() - started) / 1000);
    if (state.uploaded !== undefined && state.uploaded < 1) {
      $("progress-bar").value = state.uploaded;
      $("progress-text").textContent = t("uploading", {percent: Math.round(state.uploaded * 100)});
    } else {
      $("progress-bar").value = state.total ? state.done / state.total : 0;
      $("progress-text").textContent = t("reading", {done: state.done, files: state.total, seconds: seconds});
    }
  };
  show();
  ticker = setInterval(show, 1000);
  return (update) => { state = Object.assign(state, update); show(); };
}

function stopProgress() {
  clearInterval(ticker);
  $("progress").hidden = true;
}

// --- checking ------------------------------------------------------------------------------------------------

function checkWithProgress(form, progress) {
  // /api/check answering a line per file checked (application/x-ndjson), the report on the last line.
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/check?lang=" + lang);
    xhr.setRequestHeader("Accept", "application/x-ndjson");
    let seen = 0;
    let answer = null;
    const read = () => {
      const lines = xhr.responseText.split("\n");
      for (; seen < lines.length - 1; seen++) {
        const line = JSON.parse(lines[seen]);
        if ("done" in line) progress({done: line.done, total: line.total, uploaded: 1});
        else answer = line;
      }
    };
    xhr.upload.onprogress = (e) => e.lengthComputable && progress({uploaded: e.loaded / e.total});
    xhr.onprogress = read;
    xhr.onload = () => {
      if (xhr.status === 200) {
        read();
        return resolve(answer || {status: 500});
      }
      try {
        resolve(JSON.parse(xhr.responseText));  // refused before any work: {"error", "status"}
      } catch (e) {
        resolve({status: xhr.status});
      }
    };
    xhr.onerror = () => resolve(null);
    xhr.send(form);
  });
}

async function check(files) {
  if (!files.length) return;
  say("");
  if (tooLarge(files)) return;
  lastFiles = files;
  const answer = await checkWithProgress(formOf(files, "files"), startProgress(files.length));
  stopProgress();
  if (!answer) return say(t("offline"));
  if (answer.status !== 200) return say(answer.error || t("failed", {status: answer.status}));
  lastReport = answer.report;
  showReport(lastReport);
}

function fileOf(name) {
  return lastFiles.find((f) => f.name === name);
}

function findingItem(finding, help) {
  const rule = help.rules[finding.rule];
  const where = finding.page ? " (" + t("page", {n: finding.page}) + ")" : "";
  return el("li", {class: finding.severity},
    el("strong", {}, t(finding.severity) + where + ": "), finding.message,
    rule ? el("div", {class: "how"}, t("how_to_fix") + ": " + rule.fix[lang]) : null,
    el("code", {}, finding.rule));
}

function kindName(kind, help) {
  if (!kind || kind === "unknown") return t("unknown_kind");
  return (help.kinds[kind] || {})[lang] || DATA.texts[lang]["kind_" + kind] || kind;
}

function card(report, help) {
  const file = fileOf(report.path);
  const kind = report.attachment_kind ? kindName(report.attachment_kind, help) : "";
  const node = el("article", {class: "card " + report.status, "data-path": report.path},
    el("h3", {}, el("span", {class: "badge"}, t(report.status)), " ", report.path,
      kind ? el("small", {}, " · " + kind) : null));
  if (report.findings.length) {
    node.append(el("ul", {class: "findings"}, ...report.findings.map((f) => findingItem(f, help))));
  } else {
    node.append(el("p", {}, t("no_findings")));
  }
  if (report.kind === "photo" && file) photoPart(node, report, file);
  if (report.annotations.length) {
    const pictures = el("div", {class: "pictures"}, ...report.annotations.map((url, i) =>
      el("a", {href: url, target: "_blank", rel: "noopener"},
        el("img", {src: url, alt: t("page", {n: i + 1}), loading: "lazy"}))));
    const details = el("details", {}, el("summary", {}, t("pictures")), pictures);
    details.open = report.status !== "ok";  // pictures of a passing PDF wait behind their summary
    node.append(details);
  }
  return node;
}

function photoPart(node, report, file) {
  const original = el("figure", {}, el("img", {src: URL.createObjectURL(file.file), alt: report.path}),
    el("figcaption", {}, t("original")));
  const pair = el("div", {class: "pair"}, original);
  node.append(pair);
  if (report.status !== "error") return;
  const result = el("div", {class: "fix-result", "aria-live": "polite"});
  const button = el("button", {type: "button", class: "fix", onclick: () => fix(file, pair, result, button)}, t("fix"));
  node.append(button, result);
}

async function answered(xhr, out, texts, onDone) {
  // A fix, a PDF or a bundle: 200 is downloaded (onDone sees it too), 422 lists the reasons, else what went wrong.
  if (xhr && xhr.status === 200) {
    const name = filenameOf(xhr, texts.fallback);
    out.replaceChildren(el("p", {}, t(texts.done, {name: name})));
    download(xhr.response, name);
    if (onDone) onDone(xhr.response, name);
  } else if (xhr && xhr.status === 422) {
    const refused = JSON.parse(await xhr.response.text());
    out.replaceChildren(el("p", {}, t(texts.failed)), el("ul", {class: "findings"}, ...texts.reasons(refused)));
  } else {
    out.textContent = await errorText(xhr);
  }
}

function findingsOf(refused) {
  return refused.files[0].findings.map((f) => findingItem(f, profile()));
}

async function fix(file, pair, result, button) {
  button.disabled = true;
  result.textContent = t("fixing");
  const xhr = await send("/api/fix", formOf([file], "file"));
  button.disabled = false;
  await answered(xhr, result, {fallback: "photo-fixed.jpg", done: "fixed_done", failed: "fix_failed",
                               reasons: findingsOf}, (blob, name) => {
    const url = URL.createObjectURL(blob);
    pair.querySelector(".fixed")?.remove();
    pair.append(el("figure", {class: "fixed"}, el("img", {src: url, alt: name}), el("figcaption", {}, t("fixed"))));
    result.append(el("a", {href: url, download: name, class: "button"}, t("download")));
  });
}

function applicationView(app, help) {
  const missing = app.findings.filter((f) => f.rule === "app.missing-attachment");
  const node = el("article", {class: "card application " + app.status},
    el("h3", {}, el("span", {class: "badge"}, t(app.status)), " ", t("applicant", {name: app.name || app.path})),
    el("p", {}, missing.length ? t("app_missing", {n: missing.length}) : t("app_complete")));
  if (app.findings.length) node.append(el("ul", {class: "findings"}, ...app.findings.map((f) => findingItem(f, help))));
  node.append(el("ul", {class: "members"}, ...app.files.map((f) =>
    el("li", {}, f.path + " → " + kindName(f.kind, help)))));
  const result = el("div", {class: "bundle-result", "aria-live": "polite"});
  const button = el("button", {type: "button", class: "bundle", onclick: () => bundle(app, result, button)}, t("bundle"));
  node.append(button, result);
  return node;
}

async function bundle(app, result, button) {
  // The application's files, named from its own folder on (申报/张伟/证件照.jpg goes as 张伟/证件照.jpg): the
  // folder the files share is the application the bundle packs.
  const prefix = app.path + "/";
  const parent = app.path.slice(0, app.path.length - app.path.split("/").pop().length);
  const files = lastFiles.filter((f) => f.name.startsWith(prefix))
    .map((f) => ({file: f.file, name: f.name.slice(parent.length)}));
  button.disabled = true;
  result.textContent = t("bundling");
  const form = formOf(files, "files");
  form.append("fix_photo", "1");
  const xhr = await send("/api/bundle", form);
  button.disabled = false;
  await answered(xhr, result, {fallback: "bundle.zip", done: "bundle_done", failed: "bundle_failed",
                               reasons: bundleReasons});
}

function bundleReasons(refused) {
  // Why nothing was packed: links, a photo no fix could save, the application's and its files' errors.
  const reasons = refused.refusals.map((r) => r.message).concat(refused.photo_fix.map((f) => f.message));
  const report = refused.report || {files: [], applications: []};
  for (const a of report.applications || []) for (const f of a.findings) if (f.severity === "error") reasons.push(f.message);
  for (const f of report.files) for (const x of f.findings) if (x.severity === "error") reasons.push(f.path + ": " + x.message);
  return reasons.map((r) => el("li", {class: "error"}, r));
}

function showReport(report) {
  const help = profile();
  const s = report.summary;
  say(t("summary", {files: s.files, ok: s.ok, warning: s.warning, error: s.error}));
  $("message").className = s.error ? "bad" : "good";
  $("applications").replaceChildren(...(report.applications || []).map((a) => applicationView(a, help)));
  $("results").replaceChildren(...report.files.map((f) => card(f, help)));
}

// --- make one PDF from photos of a document --------------------------------------------------------------------

async function scan(files) {
  if (!files.length || tooLarge(files)) return;
  const out = $("scan-result");
  out.textContent = t("scan_making");
  const xhr = await send("/api/scan-pdf", formOf(files, "files"));
  await answered(xhr, out, {fallback: "scan.pdf", done: "scan_done", failed: "scan_failed", reasons: findingsOf});
}

// --- choosing files --------------------------------------------------------------------------------------------

function chosen(input) {
  return Array.from(input.files).map((file) => ({file: file, name: file.webkitRelativePath || file.name}));
}

async function entries(entry, path) {
  // A dropped folder, walked (webkitGetAsEntry): its files with their paths inside it.
  if (entry.isFile) return [{file: await new Promise((ok, no) => entry.file(ok, no)), name: path + entry.name}];
  const reader = entry.createReader();
  const found = [];
  for (;;) {
    const batch = await new Promise((ok, no) => reader.readEntries(ok, no));
    if (!batch.length) break;
    for (const child of batch) found.push(...await entries(child, path + entry.name + "/"));
  }
  return found;
}

async function dropped(event) {
  event.preventDefault();
  $("drop").classList.remove("over");
  const items = Array.from(event.dataTransfer.items || []).map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry());
  if (items.length && items.every(Boolean)) {
    const files = [];
    for (const entry of items) files.push(...await entries(entry, ""));
    return check(files);
  }
  return check(Array.from(event.dataTransfer.files).map((file) => ({file: file, name: file.name})));
}

$("files").addEventListener("change", (e) => check(chosen(e.target)));
$("folder").addEventListener("change", (e) => check(chosen(e.target)));
$("scan-files").addEventListener("change", (e) => scan(chosen(e.target)));
$("drop").addEventListener("dragover", (e) => { e.preventDefault(); $("drop").classList.add("over"); });
$("drop").addEventListener("dragleave", () => $("drop").classList.remove("over"));
$("drop").addEventListener("drop", dropped);
$("drop").addEventListener("keydown", (e) => {
  if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("files").click(); }
});
$("profile").addEventListener("change", () => { showKinds(); if (lastFiles.length) check(lastFiles); });
$("kind").addEventListener("change", () => lastFiles.length && check(lastFiles));
$("lang-switch").addEventListener("click", () => {
  lang = $("lang-switch").dataset.next;
  localStorage.setItem("docprep-lang", lang);
  applyLanguage();
});
applyLanguage();
