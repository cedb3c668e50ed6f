// Starts the Attest worker: the wasm-bindgen glue (no-modules build by
// Trunk) and its WebAssembly, both next to this file.
importScripts("./worker.js");
wasm_bindgen({ module_or_path: "./worker_bg.wasm" });
