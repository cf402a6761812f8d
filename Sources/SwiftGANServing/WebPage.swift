/// The page `GET /` serves: a gallery with a seed box, a class picker for conditional models, a
/// truncation slider and an interpolation between two seeds, in plain HTML and JavaScript that
/// talk to the JSON API. Clicking an image puts its seed in the seed box.
enum WebPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SwiftGAN sampler</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 24px; color: #222; background: #fafafa; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  .card { color: #555; margin-bottom: 16px; }
  fieldset { border: 1px solid #ccc; border-radius: 6px; margin: 0 0 16px; padding: 10px 14px; background: #fff; }
  legend { font-weight: 600; }
  label { margin-right: 14px; white-space: nowrap; }
  input[type=number] { width: 9em; }
  button { padding: 4px 14px; }
  .gallery { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 10px; }
  figure { margin: 0; text-align: center; font-size: 12px; color: #555; cursor: pointer; }
  figure img { width: 84px; height: 84px; image-rendering: pixelated; display: block; border: 1px solid #ddd; background: #000; }
  #error { color: #b00020; min-height: 1.4em; }
  #status { color: #555; }
</style>
</head>
<body>
<h1>SwiftGAN sampler</h1>
<div class="card" id="card">loading models…</div>
<div id="error" role="alert"></div>
<fieldset>
  <legend>Generate</legend>
  <label>Model <select id="model"></select></label>
  <label>Seed <input id="seed" type="number" min="0" step="1" value="0"></label>
  <button id="random" title="a random seed">random seed</button>
  <label>Images <select id="n"><option>1</option><option selected>16</option><option>32</option><option>64</option></select></label>
  <label id="classLabel" hidden>Class <select id="class"></select></label>
  <label><input id="truncate" type="checkbox"> truncation
    <input id="truncation" type="range" min="0.1" max="3" step="0.1" value="1"> <span id="truncationValue">1.0</span></label>
  <button id="generate">Generate</button>
  <div class="gallery" id="gallery"></div>
</fieldset>
<fieldset>
  <legend>Interpolate between two seeds</legend>
  <label>From seed <input id="from" type="number" min="0" step="1" value="0"></label>
  <label>To seed <input id="to" type="number" min="0" step="1" value="1"></label>
  <label>Frames <input id="steps" type="number" min="2" max="64" value="8"></label>
  <label><input id="slerp" type="checkbox"> spherical (slerp)</label>
  <button id="interpolate">Interpolate</button>
  <div class="gallery" id="strip"></div>
</fieldset>
<div id="status"></div>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let models = [];

function current() { return models.find((m) => m.name === $("model").value) || models[0]; }

function showCard() {
  const m = current();
  if (!m) return;
  const metrics = m.metrics && m.metrics.fid !== undefined
    ? ` · FID ${Number(m.metrics.fid).toFixed(2)}, precision ${Number(m.metrics.precision).toFixed(3)}, recall ${Number(m.metrics.recall).toFixed(3)} (${m.metrics.samples} samples, ${m.metrics.dataset})`
    : "";
  const steps = m.training && m.training.steps_trained !== undefined ? ` · trained ${m.training.steps_trained} steps` : "";
  $("card").textContent = `${m.architecture} · ${m.image_shape.join("×")} images · latent ${m.latent_dimension}` +
    (m.classes > 0 ? ` · ${m.classes} classes` : "") + steps + metrics + ` · weights ${m.weights_sha256.slice(0, 12)}`;
  $("classLabel").hidden = m.classes === 0;
  $("class").innerHTML = '<option value="">every class in turn</option>' +
    Array.from({ length: m.classes }, (_, k) => `<option value="${k}">${k}</option>`).join("");
}

function common() {
  const body = { model: current().name, format: "json" };
  if ($("truncate").checked) body.truncation = Number($("truncation").value);
  if (!$("classLabel").hidden && $("class").value !== "") body.class = Number($("class").value);
  return body;
}

async function call(path, body, target, caption) {
  $("error").textContent = "";
  const started = performance.now();
  try {
    const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const result = await response.json();
    if (!response.ok) throw new Error(result.error || response.statusText);
    target.innerHTML = "";
    result.images.forEach((png, i) => {
      const figure = document.createElement("figure");
      const img = document.createElement("img");
      img.src = "data:image/png;base64," + png;
      img.alt = caption(result, i);
      figure.appendChild(img);
      const text = document.createElement("figcaption");
      text.textContent = caption(result, i);
      figure.appendChild(text);
      if (!result.t) figure.onclick = () => { $("seed").value = result.seeds[i]; $("from").value = result.seeds[i]; };
      target.appendChild(figure);
    });
    $("status").textContent = `${result.images.length} images in ${Math.round(performance.now() - started)} ms`;
  } catch (error) {
    $("error").textContent = error.message;
  }
}

$("generate").onclick = () => {
  const body = Object.assign(common(), { n: Number($("n").value), seed: Number($("seed").value) });
  call("/v1/generate", body, $("gallery"), (r, i) => `seed ${r.seeds[i]}` + (r.classes ? ` · class ${r.classes[i]}` : ""));
};
$("interpolate").onclick = () => {
  const body = Object.assign(common(), { from: Number($("from").value), to: Number($("to").value),
                                         steps: Number($("steps").value), slerp: $("slerp").checked });
  call("/v1/interpolate", body, $("strip"), (r, i) => `t = ${r.t[i].toFixed(2)}`);
};
$("random").onclick = () => { $("seed").value = Math.floor(Math.random() * 4294967296); $("generate").onclick(); };
$("truncation").oninput = () => { $("truncationValue").textContent = Number($("truncation").value).toFixed(1); };
$("model").onchange = showCard;

fetch("/v1/models").then((r) => r.json()).then((result) => {
  models = result.models;
  $("model").innerHTML = models.map((m) => `<option>${m.name}</option>`).join("");
  showCard();
  $("generate").onclick();
}).catch((error) => { $("error").textContent = "cannot list the models: " + error.message; });
</script>
</body>
</html>
"""#
}
