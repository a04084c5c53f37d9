;; A WebAssembly module that is not a WASI command (no _start): deploying it as a function must fail.
;; Build: wat2wasm library.wat -o library.wasm
(module (func (export "run")))
