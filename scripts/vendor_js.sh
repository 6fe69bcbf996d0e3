#!/usr/bin/env bash
# Copy the JavaScript the rendered book serves itself (widget manager, RequireJS, MathJax, and
# the search box's tokenizer and ONNX runtime) from node_modules/ into book/_vendor/, which
# Sphinx publishes as _static/.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules
dest=book/_vendor
for need in "$src/requirejs/require.js" "$src/@jupyter-widgets/html-manager/dist/embed-amd.js" \
            "$src/mathjax/es5/tex-chtml.js" "$src/@huggingface/tokenizers/dist/tokenizers.min.mjs" \
            "$src/onnxruntime-web/dist/ort.wasm.bundle.min.mjs"; do
  [ -f "$need" ] || { echo "missing $need: run 'npm ci' first" >&2; exit 1; }
done
rm -rf "$dest"
mkdir -p "$dest/html-manager"
cp "$src/requirejs/require.js" "$dest/require.js"
# embed-amd.js loads its icon fonts from beside itself; the source maps are not needed.
find "$src/@jupyter-widgets/html-manager/dist" -maxdepth 1 -type f \
  ! -name '*.map' ! -name 'embed.js*' -exec cp {} "$dest/html-manager/" \;
cp -r "$src/mathjax/es5" "$dest/mathjax"
# the search box (book/_js/slr-search.js): tokenizers.js, and onnxruntime-web's WebAssembly build
# (its API module, the WebAssembly and its loader; the box runs it on one thread, which needs no
# cross-origin isolation)
mkdir -p "$dest/search-lib"
cp "$src/@huggingface/tokenizers/dist/tokenizers.min.mjs" "$dest/search-lib/"
cp "$src/onnxruntime-web/dist/ort.wasm.bundle.min.mjs" \
   "$src/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm" \
   "$src/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs" "$dest/search-lib/"
echo "vendored book JS into $dest ($(du -sh "$dest" | cut -f1))"
