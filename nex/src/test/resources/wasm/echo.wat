;; A WASI preview 1 command module for the wasm function tests. It writes "<subject>:<payload>" to stdout,
;; where the subject is argv[1] and the payload is stdin. A payload starting with
;;   'x' exits with code 3 (after writing), 'l' loops forever, 'm' grows memory by 2000 pages (trap if refused),
;;   'e' writes the value of the environment variable given at deploy time (GREETING) instead.
;; Build: wat2wasm echo.wat -o echo.wasm (wabt); the .wasm is committed so the tests need no wabt.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 2)
  ;; 0: argc, 4: argv buffer size, 16..63: argv pointers, 64..1023: argv strings,
  ;; 1024: iovec (ptr, len), 1032: bytes read/written, 1040: one-byte scratch,
  ;; 1100: envc, 1104: env buffer size, 1200..1263: env pointers, 1280..2047: env strings, 2048..: payload
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 1024) (local.get $ptr))
    (i32.store (i32.const 1028) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 1024) (i32.const 1) (i32.const 1032))))
  (func $strlen (param $p i32) (result i32) (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))
  (func (export "_start") (local $subject i32) (local $total i32) (local $n i32) (local $env i32)
    (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (drop (call $args_get (i32.const 16) (i32.const 64)))
    (local.set $subject (i32.load (i32.const 20)))
    (block $eof
      (loop $read
        (i32.store (i32.const 1024) (i32.add (i32.const 2048) (local.get $total)))
        (i32.store (i32.const 1028) (i32.sub (i32.const 60000) (local.get $total)))
        (drop (call $fd_read (i32.const 0) (i32.const 1024) (i32.const 1) (i32.const 1032)))
        (local.set $n (i32.load (i32.const 1032)))
        (br_if $eof (i32.eqz (local.get $n)))
        (local.set $total (i32.add (local.get $total) (local.get $n)))
        (br $read)))
    (if (i32.eq (i32.load8_u (i32.const 2048)) (i32.const 108)) ;; 'l'
      (then (loop $spin (br $spin))))
    (if (i32.eq (i32.load8_u (i32.const 2048)) (i32.const 109)) ;; 'm'
      (then (if (i32.eq (memory.grow (i32.const 2000)) (i32.const -1)) (then unreachable))))
    (if (i32.eq (i32.load8_u (i32.const 2048)) (i32.const 101)) ;; 'e': first environment entry, "K=V"
      (then
        (drop (call $environ_sizes_get (i32.const 1100) (i32.const 1104)))
        (drop (call $environ_get (i32.const 1200) (i32.const 1280)))
        (local.set $env (i32.load (i32.const 1200)))
        (call $write (local.get $env) (call $strlen (local.get $env)))
        (return)))
    (call $write (local.get $subject) (call $strlen (local.get $subject)))
    (i32.store8 (i32.const 1040) (i32.const 58)) ;; ':'
    (call $write (i32.const 1040) (i32.const 1))
    (call $write (i32.const 2048) (local.get $total))
    (if (i32.eq (i32.load8_u (i32.const 2048)) (i32.const 120)) ;; 'x'
      (then (call $proc_exit (i32.const 3))))))
