// The book's search box: rank the searchable collection's videos for a typed sentence, in the
// browser, with no server code and no kernel. It computes what `Collection.scores` computes in
// Python (slr_lib/collection.py), from the files the search_page stage exports
// (slr_lib/search_page.py):
//
//   CM     the cosine of the query's and each video's embedding. The query goes through
//          WordLlama's tokenizer (tokenizers.js reading the wheel's tokenizer file) and the CM
//          model's text branch, exported to ONNX and run by onnxruntime-web;
//   SR     the intersection over union of the query's lemmas with each video's recognised
//          words. The words follow slr_lib.text.normalize (ported below: lowercase, punctuation
//          dropped, numbers spelled out) and the lemma table Python reads too;
//   SR+CM  w * SR + (1 - w) * CM, w being the collection's fusion weight.
//
// Every ranking sorts by score, highest first, ties in the collection's order. A test compares
// them with Python's in headless Chromium (tests/test_pipeline_book.py).

const HERE = new URL("./", import.meta.url);
const BUNDLE = new URL("search/", HERE);
const LIB = new URL("search-lib/", HERE);

// ---- the words of a query: slr_lib.text.normalize, then the lemma table ----------------------

// Python's str.strip() removes what str.isspace() calls whitespace, which is not JavaScript's
// trim() set (no U+FEFF, but U+001C-U+001F and U+0085).
const PY_SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");
export const pyStrip = (text) => text.replace(PY_STRIP, "");

// slr_lib.text: `[^\W_]` (Python's alphanumerics) is `[\p{L}\p{N}]`; `\w` adds the underscore.
const NUMBER = "([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\\.([0-9]+)|(st|nd|rd|th))?";
const TOKEN = new RegExp(
  `(?:${NUMBER})(?![\\p{L}\\p{N}_])|[\\p{L}\\p{N}]+(?:['-][\\p{L}\\p{N}]+)*`, "gu");
const WHOLE_NUMBER = new RegExp(`^(?:${NUMBER})$`, "u");
const ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
  "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
  "eighteen", "nineteen"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
  "ninety"];
const IRREGULAR_ORDINALS = { one: "first", two: "second", three: "third", five: "fifth",
  eight: "eighth", nine: "ninth", twelve: "twelfth" };
const MAX_CARDINAL_DIGITS = 9; // 999,999,999

function belowThousand(n) {
  const words = [];
  const hundreds = Math.floor(n / 100), rest = n % 100;
  if (hundreds) words.push(ONES[hundreds], "hundred");
  if (rest >= 20) {
    words.push(TENS[Math.floor(rest / 10)]);
    if (rest % 10) words.push(ONES[rest % 10]);
  } else if (rest) {
    words.push(ONES[rest]);
  }
  return words;
}

const digitWords = (digits) => [...digits].map((d) => ONES[Number(d)]);

function cardinal(n) {
  if (n === 0) return ["zero"];
  const words = [];
  for (const [scale, name] of [[1_000_000, "million"], [1_000, "thousand"]]) {
    const count = Math.floor(n / scale);
    n %= scale;
    if (count) words.push(...belowThousand(count), name);
  }
  if (n) words.push(...belowThousand(n));
  return words;
}

function integer(digits) {
  const padded = digits.length > 1 && digits[0] === "0";
  const tooLarge = digits.replace(/^0+/, "").length > MAX_CARDINAL_DIGITS;
  return padded || tooLarge ? digitWords(digits) : cardinal(Number(digits));
}

function year(n) {
  if (!((n >= 1100 && n <= 1999) || (n >= 2010 && n <= 2099))) return null;
  const century = Math.floor(n / 100), rest = n % 100;
  if (rest === 0) return [...belowThousand(century), "hundred"];
  if (rest < 10) return [...belowThousand(century), "oh", ONES[rest]];
  return [...belowThousand(century), ...belowThousand(rest)];
}

function ordinalWord(word) {
  if (word in IRREGULAR_ORDINALS) return IRREGULAR_ORDINALS[word];
  return word.endsWith("y") ? word.slice(0, -1) + "ieth" : word + "th";
}

export function numberToWords(token) {
  const match = WHOLE_NUMBER.exec(token);
  if (match === null) return [token];
  const [, whole, fraction, suffix] = match;
  const digits = whole.replaceAll(",", "");
  if (fraction !== undefined) return [...integer(digits), "point", ...digitWords(fraction)];
  if (suffix !== undefined) {
    const words = integer(digits);
    return [...words.slice(0, -1), ordinalWord(words[words.length - 1])];
  }
  if (whole.length === 4 && whole[0] !== "0") {
    const read = year(Number(whole));
    if (read !== null) return read;
  }
  return integer(digits);
}

export function normalize(text) {
  const lower = text.toLowerCase().replaceAll("\u2019", "'").replaceAll("\u2018", "'");
  return [...lower.matchAll(TOKEN)].flatMap((m) => numberToWords(m[0]));
}

// ---- the collection ----------------------------------------------------------------------

async function fetchOk(url, kind) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response[kind]();
}

export class Searcher {
  static async load() {
    const [ort, tokenizers] = await Promise.all([
      import(new URL("ort.wasm.bundle.min.mjs", LIB).href),
      import(new URL("tokenizers.min.mjs", LIB).href),
    ]);
    ort.env.wasm.wasmPaths = LIB.href;
    ort.env.wasm.numThreads = 1; // threads need cross-origin isolation, which http.server lacks
    const [collection, tokenizerJson, lemmas, vectors, model] = await Promise.all([
      fetchOk(new URL("collection.json", BUNDLE), "json"),
      fetchOk(new URL("tokenizer.json", BUNDLE), "json"),
      fetchOk(new URL("lemmas.json", BUNDLE), "json"),
      fetchOk(new URL("videos.f32", BUNDLE), "arrayBuffer"),
      fetchOk(new URL("text_branch.onnx", BUNDLE), "arrayBuffer"),
    ]);
    const session = await ort.InferenceSession.create(new Uint8Array(model),
      { executionProviders: ["wasm"] });
    const tokenizer = new tokenizers.Tokenizer(tokenizerJson, {});
    return new Searcher(ort, session, tokenizer, collection, new Map(Object.entries(lemmas)),
      new Float32Array(vectors));
  }

  constructor(ort, session, tokenizer, collection, lemmas, vectors) {
    this.ort = ort;
    this.session = session;
    this.tokenizer = tokenizer;
    this.collection = collection;
    this.lemmas = lemmas;
    this.vectors = vectors;
    this.n = collection.ids.length;
    this.dim = collection.dim;
    if (vectors.length !== this.n * this.dim) {
      throw new Error(`videos.f32 holds ${vectors.length} numbers, not ${this.n} x ${this.dim}`);
    }
    this.wordSets = collection.words.map((words) => new Set(words));
    this.queue = Promise.resolve(); // one ONNX run at a time
  }

  queryWords(text) {
    return new Set(normalize(text).map((w) => this.lemmas.get(w) ?? w));
  }

  async embed(text) {
    const ids = this.tokenizer.encode(pyStrip(text), { add_special_tokens: false }).ids;
    const tensor = new this.ort.Tensor("int64", BigInt64Array.from(ids, BigInt), [ids.length]);
    const run = this.queue.then(() => this.session.run({ ids: tensor }));
    this.queue = run.catch(() => {});
    return (await run).embedding.data;
  }

  // Each method's scores (in the collection's order) and its ranking; null for an empty query.
  async rank(text) {
    if (!pyStrip(text)) return null;
    const query = await this.embed(text);
    const cm = new Float64Array(this.n);
    for (let v = 0; v < this.n; v++) {
      let dot = 0;
      const row = v * this.dim;
      for (let d = 0; d < this.dim; d++) dot += query[d] * this.vectors[row + d];
      cm[v] = dot;
    }
    const scores = { CM: cm };
    if (this.collection.methods.includes("SR")) {
      const words = this.queryWords(text);
      const sr = new Float64Array(this.n);
      this.wordSets.forEach((set, v) => {
        let shared = 0;
        for (const w of words) if (set.has(w)) shared++;
        const union = words.size + set.size - shared;
        sr[v] = union > 0 ? shared / union : 0;
      });
      const w = this.collection.fusion_weight;
      scores.SR = sr;
      scores["SR+CM"] = sr.map((s, v) => w * s + (1 - w) * cm[v]);
    }
    const out = {};
    for (const [method, score] of Object.entries(scores)) {
      const order = Array.from(score.keys()).sort((a, b) => score[b] - score[a]);
      out[method] = { scores: Array.from(score), order };
    }
    return out;
  }
}

// ---- the box -----------------------------------------------------------------------------

const FMT = (x) => x.toFixed(3);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

// Wire the box's elements (made by slr-search-mount.js) to a Searcher.
export function attach(box, searcherPromise) {
  const input = box.querySelector("input[type=search]");
  const status = box.querySelector(".slr-search-status");
  const results = box.querySelector(".slr-search-results");
  const methodOf = () => box.querySelector("input[type=radio]:checked")?.value ?? "SR+CM";
  let latest = null, busy = false, started = 0;

  async function show(searcher, text) {
    const ranked = await searcher.rank(text);
    results.replaceChildren();
    if (ranked === null) {
      status.textContent = "Type a sentence.";
      return;
    }
    const method = ranked[methodOf()] ? methodOf() : "CM";
    const position = {};
    for (const [m, r] of Object.entries(ranked)) {
      position[m] = new Int32Array(searcher.n);
      r.order.forEach((v, rank) => { position[m][v] = rank + 1; });
    }
    const words = searcher.queryWords(text);
    const { ids, texts } = searcher.collection;
    for (const v of ranked[method].order.slice(0, searcher.collection.k)) {
      const recognised = [...searcher.wordSets[v]].sort().map((w) =>
        words.has(w) ? element("mark", {}, w) : w);
      const wordLine = element("span", { class: "slr-search-words" }, "SR words: ");
      recognised.forEach((w, i) => wordLine.append(i ? " " : "", w));
      const ranks = Object.keys(ranked).map((m) => `${m} #${position[m][v]}`).join(" · ");
      results.append(element("li", { "data-id": ids[v] },
        element("img", { src: new URL(`strips/${v}.png`, BUNDLE).href, alt: `poses of ${ids[v]}`,
          loading: "lazy" }),
        element("div", {},
          element("div", { class: "slr-search-text" }, texts[v]),
          element("div", { class: "slr-search-ranks" },
            `${ranks} · ${method} score ${FMT(ranked[method].scores[v])}`),
          wordLine)));
    }
    const ms = performance.now() - started;
    box.dataset.latencyMs = ms.toFixed(1);
    box.dataset.query = text;
    status.textContent = `${searcher.n} videos ranked by ${method} in ${ms.toFixed(0)} ms. `
      + searcher.collection.caveat;
  }

  async function update() {
    if (busy) return;
    busy = true;
    try {
      const searcher = await searcherPromise;
      while (latest !== null) {
        const text = latest;
        latest = null;
        await show(searcher, text);
      }
    } catch (error) {
      status.textContent = `The search box failed: ${error.message}`;
      box.dataset.error = error.message;
    } finally {
      busy = false;
    }
  }

  const request = () => {
    started = performance.now();
    latest = input.value;
    update();
  };
  input.addEventListener("input", request);
  box.querySelectorAll("input[type=radio]").forEach((r) => r.addEventListener("change", request));
  if (input.value) request();
}
