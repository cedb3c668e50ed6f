// Starts the Attest page: the wasm-bindgen glue and its WebAssembly, both
// next to this file. A file rather than an inline script, so that the
// page's Content-Security-Policy can forbid inline scripts altogether.
import init from "./app.js";
await init({ module_or_path: new URL("./app_bg.wasm", import.meta.url) });
